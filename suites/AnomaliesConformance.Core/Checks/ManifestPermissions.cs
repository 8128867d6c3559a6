using System.Collections.Concurrent;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Profiles;
using AnomaliesConformance.Core.Provisioning;

namespace AnomaliesConformance.Core.Checks;

/// <summary>
/// Team permissions on a deployment the run did not set up. The page has no endpoint that tells them, so the
/// manifest declares them: a user's label's own, unless fixtures.users.LABEL.permissions names another for a
/// datastore. Before the checks, every user reads one listed anomaly of every listed datastore: a user declared
/// Viewer or above who is refused, or one declared below who reads it, contradicts the declaration. That is a
/// setup problem, reported as one, never a rule failure, and no check is given an anomaly of that datastore. The
/// checks judge what a label's permission allows: an anomaly of a datastore where a user is declared otherwise
/// goes only to a world that grants exactly that (<see cref="ManifestFixtures.UnderGrants"/>).
/// </summary>
public static class ManifestPermissions
{
    /// <summary>"Most reads need the Viewer team permission" (the page); Drafter sits between Viewer and Author.</summary>
    public static bool CanRead(string? permission) => permission is "Viewer" or "Drafter" or "Author" or "Editor";

    /// <returns>The setup problems found, each naming the user, the datastore and what the target answered.</returns>
    public static async Task<IReadOnlyList<string>> VerifyAsync(FixtureManifest manifest, ManifestFixtures fixtures, IReadOnlyDictionary<string, Actor> cast, ApiClient api)
    {
        var oneOfEach = fixtures.AllTraits.Where(t => t.DatastoreId is not null && !t.SoftDeleted).GroupBy(t => t.DatastoreId!.Value).ToDictionary(g => g.Key, g => g.First());
        var problems = new ConcurrentBag<(long Datastore, string Problem)>();
        var declaredOtherwise = new Dictionary<long, Dictionary<string, string?>>();
        var reads = new List<Task>();
        foreach (var (label, user) in manifest.Users)
        {
            var member = CastMember.Everyone.First(m => m.Label == label);
            if (member.GlobalRole == "Admin")
            {
                // Admin bypasses team permissions: nothing to verify.
                continue;
            }

            foreach (var (datastore, anomaly) in oneOfEach)
            {
                var declared = user.Permissions is { } declaredHere && declaredHere.TryGetValue(datastore, out var permission) ? permission : member.TeamPermission;
                if (declared != member.TeamPermission)
                {
                    (declaredOtherwise.TryGetValue(datastore, out var here) ? here : declaredOtherwise[datastore] = [])[label] = declared;
                }

                reads.Add(Task.Run(async () =>
                {
                    var answer = await api.GetAsync(cast[label], $"/api/anomalies/{anomaly.Id}", purpose: ExchangePurpose.Verify);
                    var reads = answer.Status is >= 200 and <= 299;
                    var refused = answer.Status is >= 400 and <= 499;
                    if (CanRead(declared) ? refused : reads)
                    {
                        problems.Add((datastore, $"{label} is declared {declared ?? "without a team permission"} on datastore {datastore}, and reading anomaly {anomaly.Id} there was {(reads ? "answered" : "refused")} ({answer.Status})"));
                    }
                }));
            }
        }

        try
        {
            await Task.WhenAll(reads);
        }
        catch (TargetErrorException)
        {
            // A read lost on the way verifies nothing; the checks meet the target soon enough.
        }

        var contradicted = problems.Select(p => p.Datastore).ToHashSet();
        fixtures.LeaveOut(contradicted);
        fixtures.Regrant(declaredOtherwise.Where(d => !contradicted.Contains(d.Key)).ToDictionary(d => d.Key, d => (IReadOnlyDictionary<string, string?>)d.Value));
        return [.. problems.Select(p => p.Problem).Order(StringComparer.Ordinal)];
    }
}
