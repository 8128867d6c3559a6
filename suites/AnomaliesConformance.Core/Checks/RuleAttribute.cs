using NUnit.Framework;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace AnomaliesConformance.Core.Checks;

/// <summary>
/// Ties a test to the catalogue rule(s) it enforces. The id becomes an NUnit category too, so
/// <c>--rule ID</c> selects tests by rule and the report groups verdicts by rule.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true)]
public sealed class RuleAttribute(string id) : NUnitAttribute, IApplyToTest
{
    public const string PropertyName = "Rule";

    public string Id { get; } = id;

    public void ApplyToTest(Test test)
    {
        test.Properties.Add(PropertyName, Id);
        test.Properties.Add(PropertyNames.Category, Id);
    }

    /// <summary>
    /// The rules a test enforces. A [TestCase] carries its own properties while [Rule] on the method lands on the
    /// parameterized method suite, so they are gathered from the test and its parents up to the fixture.
    /// </summary>
    public static List<string> RulesOf(ITest test)
    {
        var rules = new List<string>();
        for (var current = test; current is not null && current is not TestAssembly; current = current.Parent)
        {
            // NUnit's property bag adds a key its indexer does not find: reading a missing one from several threads
            // (the self-tests walk one loaded tree at once) corrupts it.
            if (current.Properties.ContainsKey(PropertyName))
            {
                rules.AddRange(current.Properties[PropertyName].Cast<string>());
            }
        }

        return rules.Distinct(StringComparer.Ordinal).ToList();
    }
}
