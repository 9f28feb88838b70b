#!/usr/bin/env bash
# The cost of baking weights into an app, at build time and at first use: docs/performance.md, "Building with baked weights".
#
#   bash MlpGen.Benchmarks/BuildTimes/measure.sh [WORK_DIR] [REPETITIONS] [LIMITS]   (defaults: /tmp/mlpgen-bake, 3, none)
#
# Makes ReLU MLPs of 79,510, 669,706 and 1,863,690 parameters with PyTorch (make_networks.py; Debian's python3-torch),
# converts them with the Sample's `convert`, packs MlpGen.Generator into a local feed, and writes consumer apps outside
# the repository that reference the package, one per network and way of baking:
#   unbaked    [Network(...)] without weights: the floor
#   resource   Weights = "model.mlpw": the package's build targets embed the parameters as a resource (the default)
#   literals   the same with -p:MlpGenEmbedWeights=false: the parameters as C# literals (the fallback; how MlpGen baked before)
#   base64     a candidate not taken: the parameters as one base64 string constant in C# source, decoded at first use
# Then, REPETITIONS times, each app in turn (interleaved, so that the machine's load falls on all alike): a clean build
# and a rebuild after an edit of Program.cs, each under /usr/bin/time -v (wall time, CPU time of all the build's
# processes, and the largest peak resident memory among them, which is the compiler's: the builds use no compiler
# server, so csc runs as a process of its own). Then, once each, the generated source's size and the generator's time
# (-p:ReportAnalyzer=true), and five runs of each app, which time its first `new Model()` and count what it allocates.
# LIMITS (e.g. "784-4096-4086-10 12000-8182-10": the largest networks MLPG004's limits allow) adds one clean build of
# each of those, unbaked and as a resource, from WORK_DIR/nets/NET.mlpw (make them with make_networks.py and convert).
# Results: WORK_DIR/results.tsv; `python3 summarise.py WORK_DIR/results.tsv` prints the medians as tables.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="${1:-/tmp/mlpgen-bake}"
reps="${2:-3}"
read -r -a limits <<< "${3:-}"
mkdir -p "$work/nets" "$work/feed"
export NUGET_PACKAGES="$work/packages" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
build=(dotnet build -c Release --no-restore -p:UseSharedCompilation=false --disable-build-servers -nologo -clp:ErrorsOnly)

nets=(784-100-10 784-512-512-10 784-1024-1024-10)
if [ ! -f "$work/nets/784-1024-1024-10.mlpw" ]; then
  "${PYTHON:-python3}" "$here/make_networks.py" "$work/nets"   # PYTHON=/usr/bin/python3 for Debian's python3-torch
  dotnet build "$repo/MlpGen.Sample" -c Release -nologo -clp:ErrorsOnly
  for n in "${nets[@]}"; do dotnet "$repo/MlpGen.Sample/bin/Release/net10.0/MlpGen.Sample.dll" convert "$work/nets/$n.onnx" "$work/nets/$n.mlpw"; done
fi
rm -rf "$work/feed"/* "$work/packages"
dotnet pack "$repo/MlpGen.Generator" -c Release -o "$work/feed" --disable-build-servers -nologo -clp:ErrorsOnly
cat > "$work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><clear /><add key="local" value="$work/feed" /></packageSources></configuration>
EOF

# One app: WORK_DIR/apps/NET-VARIANT with Model.cs (the network) and Program.cs (what the edit touches).
make_app() {
  local net=$1 variant=$2 dir="$work/apps/$1-$2"
  local sizes="${net//-/, }" weights="" embed="" create="new Model()" extra=""
  rm -rf "$dir"; mkdir -p "$dir"
  case $variant in
    resource|literals) weights=', Weights = "model.mlpw"'; cp "$work/nets/$net.mlpw" "$dir/model.mlpw"; extra='<AdditionalFiles Include="model.mlpw" />' ;;
    unbaked) create="new Model(seed: 1)" ;;
    base64) create="Base64Weights.Create()"
      python3 - "$work/nets/$net.mlpw" "$dir/Base64Weights.cs" <<'EOF'
import sys
lines = open(sys.argv[1]).read().split("\n")
data = "".join(lines[lines.index("data") + 1:lines.index("end")])
open(sys.argv[2], "w").write(
    "// The parameters as one base64 string (the candidate 'base64'), decoded straight into the network's storage.\n"
    "static class Base64Weights\n{\n"
    "    public static Model Create()\n    {\n        var model = new Model(seed: 1);\n"
    "        System.Convert.TryFromBase64String(Data, System.Runtime.InteropServices.MemoryMarshal.AsBytes(model.Parameters), out _);\n"
    "        return model;\n    }\n\n"
    f"    private const string Data = \"{data}\";\n}}\n")
EOF
      ;;
  esac
  [ "$variant" = literals ] && embed='<MlpGenEmbedWeights>false</MlpGenEmbedWeights>'
  cat > "$dir/App.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <InvariantGlobalization>true</InvariantGlobalization>
    $embed
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="MlpGen.Generator" Version="0.1.0" />
    $extra
  </ItemGroup>
</Project>
EOF
  cat > "$dir/Model.cs" <<EOF
[MlpGen.Network($sizes, Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Identity$weights)]
public partial class Model { }
EOF
  cat > "$dir/Program.cs" <<EOF
using System;
using System.Diagnostics;

// First use: the network's construction (its parameters read from where the build put them), timed and counted.
long allocated = GC.GetTotalAllocatedBytes(precise: true);
var clock = Stopwatch.StartNew();
Model model = $create;
double milliseconds = clock.Elapsed.TotalMilliseconds;
long bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
Span<float> output = stackalloc float[Model.OutputSize];
model.Predict(new float[Model.InputSize], output);
Console.WriteLine(\$"first-use\t{milliseconds:0.00}\t{bytes}\t{Environment.WorkingSet}\t{output[0]}");
EOF
  cp "$work/nuget.config" "$dir/"
  (cd "$dir" && dotnet restore -nologo -v:q >/dev/null)
}

# Runs a command under /usr/bin/time -v; prints "seconds<TAB>peak kB<TAB>CPU seconds".
timed() {
  local log; log=$(mktemp)
  /usr/bin/time -v "$@" >"$log.out" 2>"$log" || { cat "$log.out" "$log" >&2; exit 1; }
  local wall rss cpu
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  cpu=$(grep -E "(User|System) time \(seconds\)" "$log" | awk '{s+=$NF} END {printf "%.2f", s}')
  rm -f "$log" "$log.out"
  python3 -c "import sys; p=sys.argv[1].split(':'); print(f'{sum(float(x)*60**i for i,x in enumerate(reversed(p))):.2f}\t{sys.argv[2]}\t{sys.argv[3]}')" "$wall" "$rss" "$cpu"
}

variants=(unbaked resource literals base64)
[ "$reps" -gt 0 ] || nets=()   # REPETITIONS 0: only the LIMITS builds
for net in "${nets[@]}"; do for v in "${variants[@]}"; do make_app "$net" "$v"; done; done

results="$work/results.tsv"
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(lscpu | grep 'Model name' | sed 's/Model name:\s*//'), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB; dotnet $(dotnet --version)"
  printf "rep\tnet\tvariant\tphase\tseconds\tpeak_kb\tcpu_seconds\tload\n"
} > "$results"
for rep in $(seq 1 "$reps"); do
  for net in "${nets[@]}"; do
    for v in "${variants[@]}"; do
      dir="$work/apps/$net-$v"
      rm -rf "$dir/bin" "$dir/obj/Release"
      load=$(cut -d' ' -f1 /proc/loadavg)
      printf "%s\t%s\t%s\tbuild\t%s\t%s\n" "$rep" "$net" "$v" "$(cd "$dir" && timed "${build[@]}")" "$load" >> "$results"
      echo "// edit $rep" >> "$dir/Program.cs"
      load=$(cut -d' ' -f1 /proc/loadavg)
      printf "%s\t%s\t%s\trebuild\t%s\t%s\n" "$rep" "$net" "$v" "$(cd "$dir" && timed "${build[@]}")" "$load" >> "$results"
      tail -2 "$results"
    done
  done
done

# Once each: generated source, generator time, first use.
for net in "${nets[@]}"; do
  for v in "${variants[@]}"; do
    dir="$work/apps/$net-$v"
    # (base64 fails above about 1.5 million parameters: CS8103, a program's strings take at most 16 MB.)
    (cd "$dir" && "${build[@]}" --no-incremental -p:EmitCompilerGeneratedFiles=true -p:ReportAnalyzer=true "-flp:verbosity=detailed;logfile=build-detailed.log") || continue
    generated=$(find "$dir/obj/Release/net10.0/generated" -name '*.g.cs' -path '*NetworkGenerator*' -printf '%s\n' | awk '{s+=$1} END {print s}')
    source=$(find "$dir" -maxdepth 1 -name '*.cs' -printf '%s\n' | awk '{s+=$1} END {print s}')
    generator=$(grep -E "^\s+[0-9.]+\s+[0-9<]+\s+MlpGen.Generator.NetworkGenerator" "$dir/build-detailed.log" | head -1 | awk '{print $1}')
    printf "1\t%s\t%s\tgenerated\t%s\t%s\n" "$net" "$v" "$generated" "$source" >> "$results"
    printf "1\t%s\t%s\tgenerator\t%s\t\n" "$net" "$v" "${generator:-?}" >> "$results"
    for run in 1 2 3 4 5; do
      printf "%s\t%s\t%s\t%s\n" "$run" "$net" "$v" "$(dotnet "$dir/bin/Release/net10.0/App.dll")" >> "$results"
    done
  done
done
# The largest networks the limits allow: one clean build each, unbaked and as a resource.
for net in "${limits[@]}"; do
  for v in unbaked resource; do
    make_app "$net" "$v"
    dir="$work/apps/$net-$v"
    load=$(cut -d' ' -f1 /proc/loadavg)
    printf "%s\t%s\t%s\tbuild\t%s\t%s\n" 1 "$net" "$v" "$(cd "$dir" && timed "${build[@]}")" "$load" >> "$results"
    tail -1 "$results"
    printf "%s\t%s\t%s\t%s\n" 1 "$net" "$v" "$(dotnet "$dir/bin/Release/net10.0/App.dll")" >> "$results"
    rm -rf "$dir/obj" "$dir/bin"
  done
done
echo "done: $results"
