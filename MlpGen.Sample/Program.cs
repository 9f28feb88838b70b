using System.CommandLine;
using System.CommandLine.Invocation;
using System;
using System.CommandLine.Parsing;
using MlpGen.Sample;

// MlpGen.Sample: trains a digit-recognition network on MNIST (TrainCommand, the root command) and converts networks
// between ONNX, network2.py JSON and MlpGen weights files (convert, ConvertCommand) and quantizes a network to int8
// (quantize, QuantizeCommand).

RootCommand root = TrainCommand.Create();
root.Subcommands.Add(ConvertCommand.Create());
root.Subcommands.Add(QuantizeCommand.Create());

// Errors of the command line itself (a value that is not a number or out of range, an unknown option):
// one line each, and exit code 2, instead of System.CommandLine's help screen after them.
ParseResult parsed = root.Parse(args);
if (parsed.Action is ParseErrorAction)
{
    foreach (ParseError error in parsed.Errors) Console.Error.WriteLine(error.Message);
    return SampleError.UsageExitCode;
}
return parsed.Invoke();
