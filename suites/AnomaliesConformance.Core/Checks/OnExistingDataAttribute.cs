using NUnit.Framework;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace AnomaliesConformance.Core.Checks;

/// <summary>
/// Declares that a check can run on a deployment's existing anomalies (manifest mode, no provisioning
/// extension): everything it relies on of its anomalies is in its world's spec, as type and status and as what
/// the page lets a check write (description, tags, assignees, ticket links), and it reads nothing it did not
/// ask for: no source records, failed checks, comments, dates, weights or fingerprints that a provisioning run
/// fills with defaults. A check that scopes a list to its world's datastore needs not say so: the world ends
/// it inconclusive (<see cref="Provisioning.World.SharedDatastore"/>). The planner (<see cref="ManifestWorlds"/>)
/// then finds or arranges what the spec asks; a check without the declaration ends inconclusive in manifest
/// mode, so a check is moved onto existing data only after someone has read it with this in mind.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false)]
public sealed class OnExistingDataAttribute : NUnitAttribute, IApplyToTest
{
    public const string PropertyName = "OnExistingData";

    public void ApplyToTest(Test test) => Declare(test, Yes);

    /// <summary>True when the test, its method or its fixture declares it, and nothing nearer the test says it cannot (<see cref="NotOnExistingDataAttribute"/>).</summary>
    public static bool IsDeclaredOn(ITest? test) => Nearest(test) == Yes;

    /// <summary>Why the test cannot run on existing data, when a <see cref="NotOnExistingDataAttribute"/> says so.</summary>
    public static string? WhyNotOn(ITest? test) => Nearest(test) is { } value && value != Yes ? value : null;

    private const string Yes = "yes";

    internal static void Declare(Test test, string value) => test.Properties.Set(PropertyName, value);

    private static string? Nearest(ITest? test)
    {
        for (var current = test; current is not null && current is not TestAssembly; current = current.Parent)
        {
            if (current.Properties.ContainsKey(PropertyName))
            {
                return current.Properties.Get(PropertyName) as string;
            }
        }

        return null;
    }
}

/// <summary>
/// Says that one check of a fixture declared <see cref="OnExistingDataAttribute"/> cannot be judged on existing
/// anomalies, and why: what it compares against is known only from what it provisioned. On existing data it ends
/// inconclusive with that reason, rather than passing a comparison of the endpoint with itself.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NotOnExistingDataAttribute(string why) : NUnitAttribute, IApplyToTest
{
    public string Why { get; } = why;

    public void ApplyToTest(Test test) => OnExistingDataAttribute.Declare(test, Why);
}
