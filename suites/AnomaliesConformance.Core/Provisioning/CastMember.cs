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
}
