using System.Globalization;
using System.Text;
using System.Text.Json;
using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Core.Discovery;
using AnomaliesConformance.Core.Http;
using AnomaliesConformance.Core.Provisioning;

namespace AnomaliesConformance.Runner;

/// <summary>
/// `--discover FILE`: reads the target as the profile's admin (GETs only, <see cref="TargetSurvey"/>) and
/// writes a draft manifest profile. Existing anomalies are proposed by purpose, each with the reasons it
/// qualifies; what the target cannot tell (tokens, each user's team permissions) is left for the user.
/// Sacrificial anomalies are proposed commented out: the run destroys them, so only a person lists them.
/// </summary>
public static class Discover
{
    // Enough for the planner to give worlds of several anomalies to a few checks at once: mutable ones are put
    // back after each check, so proposing more costs the deployment nothing.
    public const int MutableWanted = 16;
    public const int SacrificialWanted = 24;
    public const int ShapesWanted = 2;
    public const int TagsWanted = 8;

    /// <summary>What the read-only checks look for, in the order a draft covers them.</summary>
    public static IReadOnlyList<Want> ReadOnlyWants { get; } =
    [
        new("open record anomaly", a => a.IsOpen && a.Type == "record"),
        new("archived", a => a.IsArchived),
        new("shape anomaly", a => a.Type == "shape"),
        new("failed checks naming fields", a => a.FailedCheckFields.Count > 0),
        new("more source rows than the default limit of 10", a => a.SourceRows > 10),
        new("masked source-record fields", a => a.MaskedFields is { Count: > 0 }),
        new("four comments at distinct times, one of them deleted", a => a.DistinctCommentTimes >= 4 && a.DeletedComments >= 1),
        new("shares its fingerprint with another anomaly", a => a.SharingFingerprint > 0, WithPartner: true),
        new("ticket links", a => a.TicketLinks > 0),
    ];

    /// <param name="WithPartner">The need is a pair: the anomaly sharing the fingerprint is proposed with it.</param>
    public sealed record Want(string Name, Func<AnomalyTraits, bool> Qualifies, bool WithPartner = false);

    public sealed record Proposal(AnomalyTraits Anomaly, IReadOnlyList<string> Reasons);

    public sealed record Draft(IReadOnlyList<Proposal> ReadOnly, IReadOnlyList<Proposal> Mutable, IReadOnlyList<Proposal> Sacrificial, IReadOnlyList<string> NotFound, int Surveyed)
    {
        /// <summary>Tag names seen on the target, most used first: checks put them on the anomalies they write.</summary>
        public IReadOnlyList<string> Tags { get; init; } = [];

        /// <summary>Integration ids seen on ticket links: checks link tickets through them on the anomalies they write.</summary>
        public IReadOnlyList<long> Integrations { get; init; } = [];
    }

    public static async Task<int> RunAsync(RunSettings settings, TextWriter console, Redactor redactor)
    {
        var admin = ConformanceRunner.CastOf(settings.Manifest!, redactor)["admin"];
        var target = settings.TargetUrl ?? throw new ConfigurationException("--discover: the profile names no target.base_url (or give --target)");
        using var recorder = new ExchangeRecorder(null, redactor);
        using var api = new ApiClient(target, recorder, redactor, settings.RequestPolicy with { ReadOnly = true });
        console.WriteLine($"Discovering what {target} holds, as the profile's admin (GETs only)");
        var survey = await new TargetSurvey(api, admin, settings.Representation).ReadAsync();
        var draft = Propose(survey);
        Directory.CreateDirectory(Path.GetDirectoryName(settings.DiscoverPath!)!);
        await File.WriteAllTextAsync(settings.DiscoverPath!, Yaml(draft, target));
        console.WriteLine($"Read {survey.Count} anomalies ({recorder.All().Count} requests); proposed {draft.ReadOnly.Count} read-only, {draft.Mutable.Count} mutable, {draft.Sacrificial.Count} sacrificial (commented out)");
        foreach (var missing in draft.NotFound)
        {
            console.WriteLine($"  none found: {missing}");
        }

        console.WriteLine($"Draft manifest: {settings.DiscoverPath} (add the tokens and team permissions, review the sacrificial ones)");
        return 0;
    }

    public static Draft Propose(IReadOnlyList<AnomalyTraits> survey)
    {
        var reasons = new Dictionary<long, List<string>>();
        var readOnly = new List<AnomalyTraits>();
        var notFound = new List<string>();

        void Choose(AnomalyTraits anomaly, string reason)
        {
            if (!reasons.TryGetValue(anomaly.Id, out var list))
            {
                reasons[anomaly.Id] = list = [];
                readOnly.Add(anomaly);
            }

            list.Add(reason);
        }

        // A soft-deleted anomaly answers only with include_deleted=true: proposed only for a need that asks for one.
        var visible = survey.Where(a => !a.SoftDeleted).ToList();
        foreach (var want in ReadOnlyWants)
        {
            var already = readOnly.FirstOrDefault(want.Qualifies);
            var pick = already ?? visible
                .Where(want.Qualifies)
                .OrderByDescending(a => ReadOnlyWants.Count(w => w.Qualifies(a)))
                .ThenBy(a => a.Id)
                .FirstOrDefault();
            if (pick is null)
            {
                notFound.Add(want.Name);
                continue;
            }

            Choose(pick, want.Name);
            if (want.WithPartner
                && visible.FirstOrDefault(a => a.Id != pick.Id && a.Fingerprint == pick.Fingerprint) is { } partner)
            {
                Choose(partner, $"shares its fingerprint with {pick.Id}");
            }
        }

        // What the checks that read back their anomalies need, chosen as the planner will choose: from what is
        // proposed already where it will do, else from everything read.
        foreach (var need in ExistingNeeds.All.Where(n => !n.Destroys))
        {
            if ((need.Choose(readOnly) ?? need.Choose(survey)) is not { } chosen)
            {
                notFound.Add(need.Name);
                continue;
            }

            foreach (var anomaly in chosen)
            {
                Choose(anomaly, need.Name);
            }
        }

        // One readable anomaly in every datastore: scoping checks need anomalies a given user cannot see.
        foreach (var datastore in visible.Where(a => a.DatastoreId is not null).GroupBy(a => a.DatastoreId))
        {
            if (readOnly.Any(a => a.DatastoreId == datastore.Key))
            {
                reasons[readOnly.First(a => a.DatastoreId == datastore.Key).Id].Add($"in datastore {datastore.Key}");
            }
            else
            {
                Choose(datastore.OrderBy(a => a.Id).First(), $"in datastore {datastore.Key}");
            }
        }

        var used = readOnly.Select(a => a.Id).ToHashSet();
        // Anomalies that destructive checks need as they are (comments under them, say): proposed as sacrificial,
        // a set for every check that uses the need.
        var destroyable = new List<Proposal>();
        foreach (var need in ExistingNeeds.All.Where(n => n.Destroys))
        {
            for (var use = 0; use < need.Uses; use++)
            {
                if (need.Choose([.. survey.Where(a => !used.Contains(a.Id))]) is not { } chosen)
                {
                    notFound.Add(need.Name);
                    break;
                }

                used.UnionWith(chosen.Select(a => a.Id));
                destroyable.AddRange(chosen.Select(a => new Proposal(a, [Describe(a), need.Name])));
            }
        }

        // Open ones without ticket links first (a link a check deletes cannot be recreated with its id), then the
        // least annotated (fewer values to put back).
        var open = survey.Where(a => a.IsOpen && !used.Contains(a.Id))
            .OrderBy(a => a.TicketLinks ?? int.MaxValue).ThenBy(a => a.Tags + a.Assignees).ThenBy(a => a.Comments ?? int.MaxValue).ThenBy(a => a.Id)
            .ToList();
        // Mostly record anomalies (a spec's default type), and a few shape ones for the checks that ask for them.
        List<AnomalyTraits> Spread(int count) =>
        [
            .. RoundRobin.Take(open.Where(a => !used.Contains(a.Id) && a.Type != "shape"), a => a.DatastoreId, count - ShapesWanted),
            .. RoundRobin.Take(open.Where(a => !used.Contains(a.Id) && a.Type == "shape"), a => a.DatastoreId, ShapesWanted),
        ];
        var mutable = Spread(MutableWanted);
        used.UnionWith(mutable.Select(a => a.Id));
        var sacrificial = Spread(SacrificialWanted - destroyable.Count);
        if (mutable.Count == 0)
        {
            notFound.Add("an open (Active or Acknowledged) anomaly to write to and put back");
        }

        return new Draft(
            [.. readOnly.Select(a => new Proposal(a, [.. reasons[a.Id].Prepend(Describe(a))]))],
            [.. mutable.Select(a => new Proposal(a, [Describe(a), "open: written, then put back after each check"]))],
            [.. destroyable, .. sacrificial.Select(a => new Proposal(a, [Describe(a), "open and little annotated: a check archives and hard-deletes it"]))],
            notFound,
            survey.Count)
        {
            Tags = [.. survey.SelectMany(a => a.TagNames).GroupBy(t => t, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(TagsWanted).Select(g => g.Key)],
            Integrations = [.. survey.SelectMany(a => a.IntegrationIds).Distinct().Order()],
        };
    }

    private static string Describe(AnomalyTraits a)
    {
        var parts = new List<string> { $"{(a.SoftDeleted ? "soft-deleted " : "")}{a.Status ?? "status ?"} {a.Type ?? "type ?"}" };
        if (a.DatastoreId is { } ds)
        {
            parts.Add($"datastore {ds}");
        }

        if (a.FailedCheckFields.Count > 0)
        {
            parts.Add($"failed checks on {string.Join("/", a.FailedCheckFields.Take(3))}");
        }

        if (a.SourceRows is > 0)
        {
            parts.Add($"{a.SourceRows} source rows" + (a.MaskedFields is { Count: > 0 } masked ? $" ({string.Join("/", masked)} masked)" : ""));
        }

        if (a.Comments is > 0 || a.DeletedComments is > 0)
        {
            parts.Add($"{a.Comments} comments, {a.DeletedComments} deleted");
        }

        if (a.TicketLinks is > 0)
        {
            parts.Add($"{a.TicketLinks} ticket links");
        }

        return string.Join(", ", parts);
    }

    public static string Yaml(Draft draft, Uri target)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine(CultureInfo.InvariantCulture, $"# Draft manifest written by --discover on {DateTimeOffset.UtcNow:yyyy-MM-dd} from {target}: {draft.Surveyed} anomalies read.");
        yaml.AppendLine("# Review it before a run. Give each user's token (the environment variables below), uncomment the users");
        yaml.AppendLine("# you have, and make sure each holds its label's team permission on the datastores of the listed anomalies.");
        yaml.AppendLine("version: 1");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"target: {{base_url: \"{target}\", timeout_seconds: 30}}");
        yaml.AppendLine("fixtures:");
        yaml.AppendLine("  mode: manifest");
        yaml.AppendLine("  users:");
        yaml.AppendLine("    admin: {token: {env: ANOMALIES_TOKEN_ADMIN}}");
        foreach (var member in CastMember.Everyone.Where(m => m.Label != "admin"))
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    # {member.Label}: {{id: USER_ID, token: {{env: {TokenVariable(member.Label)}}}}}   # {member.GlobalRole}, {member.TeamPermission ?? "no team permission"}");
        }

        yaml.AppendLine("  anomalies:");
        Section(yaml, "read_only", draft.ReadOnly, commented: false);
        Section(yaml, "mutable", draft.Mutable, commented: false);
        yaml.AppendLine("    # A sacrificial anomaly is archived and hard-deleted by the run: none is listed for you. Uncomment only");
        yaml.AppendLine("    # the ones you can lose.");
        Section(yaml, "sacrificial", draft.Sacrificial, commented: true);
        yaml.AppendLine("  # Existing tag names and ticketing integrations that checks may put on the anomalies they write (put back after).");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"  tags: [{string.Join(", ", draft.Tags.Select(t => JsonSerializer.Serialize(t)))}]");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"  integrations: [{string.Join(", ", draft.Integrations)}]");
        if (draft.NotFound.Count > 0)
        {
            yaml.AppendLine("# Not found on the target (the checks that need these stay inconclusive):");
            foreach (var missing in draft.NotFound)
            {
                yaml.AppendLine(CultureInfo.InvariantCulture, $"#   - {missing}");
            }
        }

        return yaml.ToString();
    }

    public static string TokenVariable(string label) => "ANOMALIES_TOKEN_" + label.ToUpperInvariant().Replace('-', '_');

    private static void Section(StringBuilder yaml, string key, IReadOnlyList<Proposal> proposals, bool commented)
    {
        var prefix = commented ? "    # " : "    ";
        if (proposals.Count == 0)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"{prefix}{key}: []");
            return;
        }

        yaml.AppendLine(CultureInfo.InvariantCulture, $"{prefix}{key}:");
        foreach (var proposal in proposals)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"{prefix}  - {proposal.Anomaly.Id}   # {string.Join("; ", proposal.Reasons)}");
        }
    }
}
