namespace AnomaliesConformance.Core.Provisioning;

/// <summary>
/// The users a run provisions once and reuses: one per global role and team permission level that the
/// permission rules distinguish. Each test's datastore grants them their <see cref="TeamPermission"/>.
/// </summary>
public sealed record CastMember(string Label, string GlobalRole, string? TeamPermission)
{
    public static IReadOnlyList<CastMember> Everyone { get; } =
    [
        new("member-none", "Member", null),
        new("member-reporter", "Member", "Reporter"),
        new("member-viewer", "Member", "Viewer"),
        new("member-drafter", "Member", "Drafter"),
        new("member-author", "Member", "Author"),
        new("member-editor", "Member", "Editor"),
        new("manager-viewer", "Manager", "Viewer"),
        new("manager-author", "Manager", "Author"),
        new("manager-editor", "Manager", "Editor"),
        new("admin", "Admin", null),
    ];

    /// <summary>How reports word a role: "member-author (global role Member, team permission Author on the datastore)".</summary>
    public string Describe() => TeamPermission is null
        ? $"{Label} (global role {GlobalRole}, no team permission on the datastore)"
        : $"{Label} (global role {GlobalRole}, team permission {TeamPermission} on the datastore)";

    /// <summary>The wording of a cast label; any other actor (a bad token, anonymous) by its label alone.</summary>
    public static string Describe(string label) => Everyone.FirstOrDefault(m => m.Label == label)?.Describe() ?? label;
}
