using System.Reflection;
using System.Xml.Linq;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// The layers hold: Core (HTTP, provisioning, catalogue, specs, check attributes, the run context and the
/// results model) knows neither the suite nor the runner; the suite (scenarios, contract generation) knows
/// Core only; the runner (command line, settings, run steps, the embedded NUnit runner, reports) sits on both.
/// None of them links the reference server: the suites reach it over HTTP only.
/// </summary>
public sealed class ArchitectureTests
{
    private const string Core = "AnomaliesConformance.Core";
    private const string Suite = "AnomaliesConformance.Suite";
    private const string Runner = "AnomaliesConformance.Runner";
    private const string ReferenceServer = "AnomaliesConformance.ReferenceServer";

    [TestCase(Core, new string[0])]
    [TestCase(Suite, new[] { Core })]
    [TestCase(Runner, new[] { Core, Suite })]
    public void Each_layer_links_only_the_layers_below_it(string layer, string[] below)
    {
        var ours = new[] { Core, Suite, Runner, ReferenceServer };

        var linked = Assembly.LoadFrom(RepositoryLayout(layer)).GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(ours.Contains);

        linked.Should().BeEquivalentTo(below, "{0} may use only the layers below it", layer);
    }

    [TestCase(Core, new string[0])]
    [TestCase(Suite, new[] { Core })]
    [TestCase(Runner, new[] { Core, Suite })]
    public void Each_project_references_only_the_layers_below_it(string layer, string[] below)
    {
        var project = XDocument.Load(Path.Combine(Repository.Root, "suites", layer, layer + ".csproj"));

        var references = project.Descendants("ProjectReference")
            // Built alongside (so the embedded target is there to start) but never linked.
            .Where(r => (string?)r.Attribute("ReferenceOutputAssembly") != "false")
            .Select(r => Path.GetFileNameWithoutExtension((string)r.Attribute("Include")!));

        references.Should().BeEquivalentTo(below, "{0}'s project references follow the layers", layer);
    }

    [Test]
    public void No_scenario_or_contract_file_imports_the_runner_or_its_reports()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(Repository.Root, "suites", Suite), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

        var offending = sources
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(Repository.Root, f), Line: i + 1, Text: line.Trim())))
            .Where(l => l.Text.StartsWith("using ", StringComparison.Ordinal) && (l.Text.Contains(Runner, StringComparison.Ordinal) || l.Text.Contains(".Reporting", StringComparison.Ordinal)))
            .Select(l => $"{l.File}:{l.Line}: {l.Text}");

        offending.Should().BeEmpty("a check reads the run context (Core.Checks), never the runner or its report writers");
    }

    private static string RepositoryLayout(string project) => AnomaliesConformance.Core.Checks.RepositoryLayout.BuiltDll(project);
}
