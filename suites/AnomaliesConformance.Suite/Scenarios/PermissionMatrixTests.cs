using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Catalogue;
using AnomaliesConformance.Suite.Support;
using FluentAssertions;
using NUnit.Framework;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Suite.Scenarios;

/// <summary>
/// specs/permissions.yaml as checks: one per endpoint and cast member, each tagged with the rule its cell
/// enforces. Every cell is recorded (expected beside observed) for the report's permission matrix.
/// </summary>
[OnExistingData]
public sealed class PermissionMatrixTests : EndpointCallTest
{
    /// <summary>The target profile's matrix (permission_matrix), else the run's specs folder's, else the repository's.</summary>
    public static PermissionMatrix LoadMatrix() => PermissionMatrix.Load(
        ConformanceRun.IsInstalled
            ? ConformanceRun.Current.Settings.PermissionMatrixPath ?? Path.Combine(ConformanceRun.Current.Settings.SpecsDirectory, PermissionMatrix.FileName)
            : Path.Combine(RepositoryLayout.Root(), "specs", PermissionMatrix.FileName));

    public static IEnumerable<TestCaseData> Cells()
    {
        var matrix = LoadMatrix();
        foreach (var row in matrix.Rows)
        {
            if (EndpointCalls.Find(row.Call) is null)
            {
                throw new ConfigurationException($"{matrix.Path}: call '{row.Call}' is not one the suite knows ({string.Join(", ", EndpointCalls.All.Select(c => c.Key))})");
            }

            foreach (var cell in row.Cells)
            {
                yield return new TestCaseData(row.Call, row.Endpoint, cell.Role, cell.Allowed)
                    .SetName($"{row.Call} / {cell.Role} / {(cell.Allowed ? "allowed" : "denied")}")
                    .SetProperty(RuleAttribute.PropertyName, cell.Rule)
                    .SetProperty(Effects.PropertyName, Effects.Name(EndpointCalls.Find(row.Call)!.Effect))
                    .SetCategory(cell.Rule);
            }
        }
    }

    [TestCaseSource(nameof(Cells))]
    public async Task Each_cast_member_is_allowed_or_denied_as_the_matrix_says(string callKey, string endpoint, string role, bool allowed)
    {
        var call = EndpointCalls.Find(callKey)!;
        var target = await EndpointWorld.TargetAsync(call, role);
        var actor = As(role);
        var before = call.Writes && !allowed ? await WriteStateAsync(call, target) : null;

        var response = await SendAsync(actor, call, target);

        // The page names no status for a refusal: any 4xx denies (PERM-DENIED-403 judges the code), and a 5xx
        // or no answer is the target's trouble, not a cell.
        var observed = response.Status switch
        {
            >= 200 and <= 299 => "allow",
            >= 400 and <= 499 => "deny",
            _ => "error",
        };
        Findings.RecordPermission(new PermissionCell(endpoint, role, allowed ? "allow" : "deny", observed, response.Status, TestContext.CurrentContext.Test.Name));
        if (allowed)
        {
            ResponseAssertions.FailUnless(
                observed == "allow", $"expected a 2xx answer for {actor.Describe()}: the permission matrix allows {endpoint} to {role}, but the target answered {response.Status}", response);
            return;
        }

        response.ShouldBeRefused($"for {actor.Describe()}: the permission matrix denies {endpoint} to {role}");
        if (before is not null)
        {
            (await WriteStateAsync(call, target)).Should().Be(before, "a refused write changes nothing, its history included: {0}", response);
        }
    }
}
