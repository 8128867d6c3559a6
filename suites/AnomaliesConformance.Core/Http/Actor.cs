namespace AnomaliesConformance.Core.Http;

/// <summary>
/// A user the suite acts as. <see cref="Label"/> names the role in reports ("member-author"); the token
/// never leaves this object except in the Authorization header of a request.
/// </summary>
public sealed record Actor(string Label, string GlobalRole, string? TeamPermission, long? UserId, string? Token)
{
    public static Actor Anonymous { get; } = new("anonymous", "none", null, null, null);

    public static Actor WithRawToken(string label, string token) => new(label, "none", null, null, token);

    public string Describe() => new Provisioning.CastMember(Label, GlobalRole, TeamPermission).Describe();
}
