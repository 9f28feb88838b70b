using System.Text.RegularExpressions;
using MlpGen.Generator;
using Xunit;
using GeneratorRules = MlpGen.Generator.Rules.NetworkRules;

namespace MlpGen.Tests.Rules;

/// <summary>
/// The <c>[Network]</c> attribute's property initialisers are what a user reads in the IDE; the parser applies
/// NetworkRules' defaults. The two must name the same activations.
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public sealed partial class AttributeDefaultsTests
{
    [Fact]
    public void TheAttributeShowsTheDefaultsTheParserApplies()
    {
        Assert.Equal(GeneratorRules.DefaultHiddenActivation.ToString(), Initializer("NetworkActivation", "Hidden"));
        Assert.Equal(GeneratorRules.DefaultOutputActivation.ToString(), Initializer("NetworkOutput", "Output"));
    }

    private static string Initializer(string type, string property)
    {
        Match match = Regex.Match(AttributeSource.Text, $@"public {type} {property} {{ get; set; }} = {type}\.(\w+);");
        Assert.True(match.Success, $"the attribute declares no {type} {property} with an initialiser");
        return match.Groups[1].Value;
    }
}
