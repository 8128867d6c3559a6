using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// Keeps checks that cannot fail out of the suite for good. An assertion at the end of a null-conditional
/// chain of accesses is skipped whole when a key is missing, so a server that leaves the key out passes;
/// and a scenario that reads a missing list as empty
/// (<c>x["items"] as JsonArray ?? []</c>) judges nothing. The suite reads promised keys through
/// Support/Read.cs instead, where a missing key fails and names it.
/// </summary>
public sealed class AssertionGuardTests
{
    private static readonly string SuiteSources = Path.Combine(Repository.Root, "suites", "AnomaliesConformance.Suite");

    [Test]
    public void No_assertion_of_the_suite_skips_itself_when_a_key_is_missing()
    {
        var files = Directory.EnumerateFiles(SuiteSources, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();

        var violations = files.SelectMany(f => Violations(File.ReadAllText(f), Path.GetRelativePath(Repository.Root, f), IsScenario(f))).ToList();

        files.Should().HaveCountGreaterThan(40, "the guard reads the suite's sources");
        violations.Should().BeEmpty("a check must be able to fail: read promised keys with Read.Required (a missing key fails and names it), never behind ?. or as a default");
    }

    // The samples spell the null-conditional operator "¿" and it is put in below, so this file holds no
    // such assertion itself for a reader's search to trip on.
    [TestCase("""entry["user"]¿["id"]¿.GetValue<long>().Should().Be(7);""", 1)]
    [TestCase("""link¿["status"]¿.GetValue<string>().Should().Be("New", "because");""", 1)]
    [TestCase("""items¿.Select(i => i.Should().NotBeNull());""", 1)]
    [TestCase("""(entry["user"]¿["id"]¿.GetValue<long>()).Should().Be(7);""", 0)]
    [TestCase("""Read.UserIdOf(entry).Should().Be(7);""", 0)]
    [TestCase("""var named = (body["items"] as JsonArray ?? []).Count;""", 1)]
    public void The_guard_finds_a_null_conditional_assertion_and_a_defaulted_list(string sample, int expected)
    {
        var statement = sample.Replace('¿', '?');
        var source = $$"""class C { void M(System.Text.Json.Nodes.JsonObject entry, System.Text.Json.Nodes.JsonObject link, System.Text.Json.Nodes.JsonObject body, object[] items) { {{statement}} } }""";

        Violations(source, "sample.cs", scenario: true).Should().HaveCount(expected, "for {0}", statement);
    }

    /// <summary>Every assertion behind a null-conditional access, and in scenarios every "as T ?? default" read.</summary>
    private static IEnumerable<string> Violations(string source, string path, bool scenario)
    {
        var root = CSharpSyntaxTree.ParseText(source).GetRoot();
        // The outermost access of a chain (a?[b]?.c nests one access in another) is reported once.
        foreach (var access in root.DescendantNodes().OfType<ConditionalAccessExpressionSyntax>().Where(a => a.Parent is not ConditionalAccessExpressionSyntax))
        {
            // The part evaluated only when the target is not null: an assertion there is skipped on null.
            if (access.WhenNotNull.DescendantNodesAndSelf().OfType<MemberAccessExpressionSyntax>().Any(m => m.Name.Identifier.Text == "Should")
                || access.WhenNotNull.DescendantNodesAndSelf().OfType<MemberBindingExpressionSyntax>().Any(m => m.Name.Identifier.Text == "Should"))
            {
                yield return Describe(path, access, "an assertion behind ?.");
            }
        }

        if (!scenario)
        {
            yield break;
        }

        foreach (var coalesce in root.DescendantNodes().OfType<BinaryExpressionSyntax>().Where(b => b.IsKind(SyntaxKind.CoalesceExpression)))
        {
            if (coalesce.Left is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AsExpression } cast
                && cast.Right.ToString() is "JsonArray" or "JsonObject"
                && coalesce.Right is CollectionExpressionSyntax or ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax)
            {
                yield return Describe(path, coalesce, "a missing list read as empty");
            }
        }
    }

    private static bool IsScenario(string file) => file.Contains($"{Path.DirectorySeparatorChar}Scenarios{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    private static string Describe(string path, SyntaxNode node, string what) =>
        $"{path}:{node.GetLocation().GetLineSpan().StartLinePosition.Line + 1}: {what}: {node.ToString().Split('\n')[0].Trim()}";
}
