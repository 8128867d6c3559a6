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
}
