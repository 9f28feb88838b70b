using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Generator;

/// <summary>
/// The generated code reads like the math all the way down (issue 17, item 4), for networks whose layers hit every
/// edge of the kernels: a loop only where it runs at least twice (a loop that would run once is written as a block
/// with its index folded in), loop bounds by name (<c>N0</c>, <c>N0 - N0 % 32</c>, never <c>768</c>), no
/// <c>(s)</c> plurals, no line longer than 150 characters, and no word a user's declaration can take over
/// (<c>var</c>, <c>nameof</c>, <c>nuint</c>).
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public class GeneratedCodeShapeTests
{
    public static TheoryData<string> Declarations => new()
    {
        "[Network(784, 16, 16, 10)]",
        "[Network(784, 30, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax)]",
        "[Network(8, 8, 8, 1)]",                                   // one vector, one row block, one output
        "[Network(40, 24, 8, Output = NetworkOutput.Softmax)]",    // one step of 4 vectors and one vector; softmax over one vector
        "[Network(40, 24, 8, Output = NetworkOutput.Softmax, ElementType = typeof(double))]",
        "[Network(12, 9, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax)]",
        "[Network(3, 5, 4, 2, Hidden = NetworkActivation.Tanh, Output = NetworkOutput.Identity, ElementType = typeof(double))]",
        "[Network(4, 8, 6, 3, HiddenLayers = new[] { NetworkActivation.LeakyReLU, NetworkActivation.Tanh }, Output = NetworkOutput.Softmax, Cost = NetworkCost.Quadratic)]",
        "[Network(2, 2, 1)]",
        "[Network(1, 1, Output = NetworkOutput.Identity)]",       // one input, one output (softmax over one output is MLPG038)
        "[Network(9, 2, 2, Output = NetworkOutput.Softmax, CodeShape = NetworkCodeShape.Simd)]",
        "[Network(7, 5, 3, ElementType = typeof(double), CodeShape = NetworkCodeShape.Simd)]",
        "[Network(37, 19, 5, CodeShape = NetworkCodeShape.UnrolledScalar)]",
        "[Network(600, 3, 2, CodeShape = NetworkCodeShape.UnrolledScalar)]",
        "[Network(5, 37, 29, 3, Cost = NetworkCost.CrossEntropy)]",
        "[Network(5, 37, 29, 3, HiddenLayers = new[] { NetworkActivation.GELU, NetworkActivation.SiLU }, Output = NetworkOutput.LogSoftmax)]",
        "[Network(40, 24, 8, Hidden = NetworkActivation.GELU, Output = NetworkOutput.LogSoftmax, ElementType = typeof(double))]",
    };

    private static string Generate(string attribute)
    {
        string source = $"using MlpGen; namespace Demo; {attribute} public partial class Net {{ }}";
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        Assert.Empty(GeneratorHarness.ProblemsInGeneratedCode(output));
        return result.GeneratedSources.Single(s => s.HintName == "Demo.Net.g.cs").SourceText.ToString();
    }

    private static readonly Regex Loop = new(@"for \(int (?<i>\w+) = (?<from>[^;]+); \k<i> < (?<to>[^;]+); \k<i>(?:\+\+|(?: \+= (?<step>\d+)))\)");

    [Theory]
    [MemberData(nameof(Declarations))]
    public void EveryLoopWithConstantBoundsRunsAtLeastTwice_AndItsBoundIsNamed(string attribute)
    {
        string code = Generate(attribute);
        Dictionary<string, int> constants = Constants(code);
        int matchedLoops = 0;
        foreach (Match loop in Loop.Matches(code))
        {
            matchedLoops++;
            string to = loop.Groups["to"].Value;
            Assert.False(int.TryParse(to, out _), $"a bound that is a bare number: {loop.Value}");
            if (Evaluate(loop.Groups["from"].Value, constants) is not { } from || Evaluate(to, constants) is not { } end) continue; // a run-time bound
            int step = loop.Groups["step"].Success ? int.Parse(loop.Groups["step"].Value, CultureInfo.InvariantCulture) : 1;
            int trips = (end - from + step - 1) / step;
            Assert.True(trips >= 2, $"a loop that runs {trips} time(s): {loop.Value} in\n{attribute}");
        }
        // The pattern sees the loops (a straight-line network such as 2-2-1 has only loops over run-time counts).
        Assert.True(matchedLoops > 0);
    }

    [Theory]
    [MemberData(nameof(Declarations))]
    public void NoPluralInParentheses_NoLongLine_NoShadowableWord(string attribute)
    {
        string code = Generate(attribute);
        Assert.DoesNotContain("(s)", code, StringComparison.Ordinal);
        string[] lines = code.Split('\n');
        string? longest = lines.MaxBy(line => line.Length);
        Assert.True(longest!.Length <= 150, $"a line of {longest.Length} characters:\n{longest}");
        foreach (string word in new[] { "var", "nameof", "nuint", "dynamic" })
        {
            // Each line that is not a comment, up to a comment or a string (where the word is prose, not code).
            Assert.DoesNotMatch(new Regex($@"^[^/""\n]*\b{word}\b", RegexOptions.Multiline),
                string.Join("\n", lines.Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal))));
        }
    }

    /// <summary>The kernel class's size constants (<c>N0 = 784, …</c>), <c>Group</c>, <c>OutputSize</c>, and the vectors' lane counts.</summary>
    private static Dictionary<string, int> Constants(string code)
    {
        var constants = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match m in Regex.Matches(code, @"\b(N\d+|Group|OutputSize) = (\d+)\b")) constants[m.Groups[1].Value] = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        bool single = code.Contains("float[] _storage", StringComparison.Ordinal);
        constants["Intrinsics::Vector256<float>.Count"] = 8;
        constants["Intrinsics::Vector128<float>.Count"] = 4;
        constants["Intrinsics::Vector256<double>.Count"] = 4;
        constants["Intrinsics::Vector128<double>.Count"] = 2;
        Assert.True(single || code.Contains("double[] _storage", StringComparison.Ordinal));
        return constants;
    }

    /// <summary>A bound made of integers, named constants, +, −, * and %, or null when it holds anything else (a run-time value).</summary>
    private static int? Evaluate(string expression, Dictionary<string, int> constants)
    {
        string[] tokens = Regex.Matches(expression, @"[\w:<>.]+|[-+*%]").Select(m => m.Value).ToArray();
        if (string.Concat(tokens) != expression.Replace(" ", "", StringComparison.Ordinal)) return null;
        int? Operand(string token) => int.TryParse(token, out int n) ? n : constants.TryGetValue(token, out int c) ? c : null;
        // a [op b]...: * and % bind tighter than + and −.
        var terms = new List<int>();
        var signs = new List<int>();
        int sign = 1;
        int? current = null;
        for (int i = 0; i < tokens.Length; i++)
        {
            string token = tokens[i];
            if (token is "+" or "-")
            {
                if (current is null) return null;
                terms.Add(current.Value);
                signs.Add(sign);
                sign = token == "+" ? 1 : -1;
                current = null;
            }
            else if (token is "*" or "%")
            {
                if (current is null || i + 1 >= tokens.Length || Operand(tokens[++i]) is not { } right) return null;
                current = token == "*" ? current * right : current % right;
            }
            else if (Operand(token) is { } value)
            {
                current = value;
            }
            else
            {
                return null;
            }
        }
        if (current is null) return null;
        terms.Add(current.Value);
        signs.Add(sign);
        return terms.Select((t, k) => t * signs[k]).Sum();
    }
}
