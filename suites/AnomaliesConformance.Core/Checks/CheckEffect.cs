using NUnit.Framework;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace AnomaliesConformance.Core.Checks;

/// <summary>
/// What a check may do to the target, declared so a run on a shared environment can be limited:
/// <c>--read-only</c> runs only <see cref="Read"/> checks, and destructive checks act only on anomalies the
/// run provisioned or the profile marks sacrificial. A check's effect is the strongest of the requests it
/// sends, refused ones included (a faulty target may carry out a write it should have refused).
/// </summary>
public enum CheckEffect
{
    /// <summary>GET requests only.</summary>
    Read,

    /// <summary>Updates, bulk updates and ticket-link writes: undone by putting the old values back.</summary>
    ReversibleWrite,

    /// <summary>Archive or hard delete, single or bulk: cannot be undone through the documented API.</summary>
    Destructive,
}

/// <summary>Declares a check's <see cref="CheckEffect"/>; on a method it overrides its class's.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false)]
public sealed class EffectAttribute(CheckEffect effect) : NUnitAttribute, IApplyToTest
{
    public CheckEffect Effect { get; } = effect;

    public void ApplyToTest(Test test) => test.Properties.Set(Effects.PropertyName, Effects.Name(Effect));
}

public static class Effects
{
    public const string PropertyName = "Effect";

    public static string Name(CheckEffect effect) => effect switch
    {
        CheckEffect.Read => "read",
        CheckEffect.ReversibleWrite => "reversible-write",
        _ => "destructive",
    };

    /// <summary>
    /// The effect declared nearest to the test (its case, its method, then its fixture), or null when none is:
    /// a self-test requires every check to declare one.
    /// </summary>
    public static string? Of(ITest test)
    {
        for (var current = test; current is not null && current is not TestAssembly; current = current.Parent)
        {
            if (current.Properties.Get(PropertyName) is string effect)
            {
                return effect;
            }
        }

        return null;
    }

    /// <summary>What one request does to the target, by method and path (provisioning calls are the run's own setup).</summary>
    public static CheckEffect OfRequest(string method, string path)
    {
        if (method is "GET" or "HEAD" or "OPTIONS")
        {
            return CheckEffect.Read;
        }

        var trimmed = path.Split('?')[0].TrimEnd('/');
        var segments = trimmed.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // DELETE /api/anomalies and DELETE /api/anomalies/{id} archive or hard-delete; a ticket link's DELETE does not.
        return method == "DELETE" && segments is ["api", "anomalies"] or ["api", "anomalies", _]
            ? CheckEffect.Destructive
            : CheckEffect.ReversibleWrite;
    }
}
