using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AnomaliesConformance.Core;
using AnomaliesConformance.Core.Checks;
using AnomaliesConformance.Runner;
using AnomaliesConformance.Runner.Reporting;
using AnomaliesConformance.SelfTests.Reporting;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NJsonSchema;
using NUnit.Framework;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// certificate.json, badge.svg and `verify CERT RESULTS`: a full run on the embedded reference server is
/// certified and verify accepts it; an edit of any field of the certificate, or of a verdict in results.json,
/// is rejected naming the field; filtered and faulted runs write no certificate and say why.
/// One full run (about a minute) serves every test that needs one.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class CertificateTests
{
    private static string fullRun = "";
    private static ChildProcessResult fullRunOutput = null!;

    [OneTimeSetUp]
    public static async Task RunTheSuiteOnceInFull()
    {
        fullRun = TempDirectory.Create("certificate-full");
        fullRunOutput = await ChildProcess.RunRunnerAsync(["--seed", "4242", "--out", fullRun], TimeSpan.FromMinutes(10));
        fullRunOutput.ExitCode.Should().Be(0, "the faithful reference server is conformant: {0}", fullRunOutput);
    }

    private static string CertificatePath => Path.Combine(fullRun, Certificate.FileName);

    private static JsonObject LoadCertificate() => JsonNode.Parse(File.ReadAllText(CertificatePath))!.AsObject();

    [Test]
    public async Task A_full_run_writes_a_certificate_that_follows_its_schema_records_what_the_run_used_and_verify_accepts()
    {
        var schema = await JsonSchema.FromFileAsync(Repository.Specs("certificate.schema.json"));
        var text = await File.ReadAllTextAsync(CertificatePath);
        schema.Validate(text).Select(v => $"{v.Path}: {v.Kind}").Should().BeEmpty("certificate.json follows specs/certificate.schema.json");
        var resultsSchema = await JsonSchema.FromFileAsync(Repository.Specs("results.schema.json"));
        resultsSchema.Validate(await File.ReadAllTextAsync(Path.Combine(fullRun, "results.json"))).Select(v => $"{v.Path}: {v.Kind}").Should().BeEmpty("results.json, its certification object included, follows its schema");

        var certificate = LoadCertificate();
        certificate["target"]!.GetValue<string>().Should().Be(CertificationBasis.EmbeddedTarget);
        certificate["specs"]!["openapi"]!["sha256"]!.GetValue<string>().Should().Be(Sha256Of(Repository.Specs("anomalies.openapi.yaml")));
        certificate["specs"]!["rules"]!["sha256"]!.GetValue<string>().Should().Be(Sha256Of(Repository.Specs("rules.yaml")));
        certificate["suite"]!["commit"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f]{40}$", "the build embeds the commit it was built from");
        certificate["badge"]!.GetValue<string>().Should().Be("conformance | pass");
        var results = ResultsFile.Load(fullRun);
        certificate["counts"]!["MUST"]!["passed"]!.GetValue<int>().Should().Be(results.Document["rules"]!.AsArray().Count(r => r!["level"]!.GetValue<string>() == "MUST" && r["verdict"]!.GetValue<string>() == Verdicts.Passed));
        certificate["counts"]!["MUST"]!["failed"]!.GetValue<int>().Should().Be(0);
        fullRunOutput.StandardOutput.Should().Contain("Certificate: certificate.json and badge.svg (conformance | pass)");

        var verify = await ChildProcess.RunRunnerAsync("verify", CertificatePath, fullRun);

        verify.ExitCode.Should().Be(0, "{0}", verify);
        verify.StandardOutput.Should().Contain("certificate matches").And.Contain("rules: the same rules.yaml as this suite's specs/").And.Contain("openapi: the same anomalies.openapi.yaml as this suite's specs/");
    }

    [Test]
    public async Task The_badge_is_a_self_contained_svg_and_the_banner_shows_it_inline_and_links_the_spec_coverage_page()
    {
        var badge = await File.ReadAllTextAsync(Path.Combine(fullRun, Certificate.BadgeFileName));
        badge.Should().StartWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").And.Contain(">pass<").And.Contain(Badge.Colour(1, 1));
        badge.Replace("xmlns=\"http://www.w3.org/2000/svg\"", "", StringComparison.Ordinal).Should().NotContainAny(["href", "http", "url(", "@import"], "the badge fetches nothing");

        var html = await File.ReadAllTextAsync(Path.Combine(fullRun, "index.html"));
        html.Should().Contain("<dt>Certificate</dt><dd><span class=\"badge\"><svg").And.Contain("<a href=\"certificate.json\">");
        html.Should().Contain("<dt>Spec coverage</dt><dd><a href=\"spec-coverage/index.html\">", "the run measured its spec coverage; the page is rendered after the runner writes the banner");
        File.Exists(Path.Combine(fullRun, "spec-coverage", "index.html")).Should().BeTrue("the link lands on a page even before (or without) ReportGenerator");
        (await File.ReadAllTextAsync(Path.Combine(fullRun, "summary.md"))).Should().Contain("Certificate: `certificate.json` and `badge.svg` (conformance | pass)");
    }

    public static IEnumerable<TestCaseData> Edits()
    {
        yield return new TestCaseData("counts.MUST.passed", (Action<JsonObject>)(c => c["counts"]!["MUST"]!["passed"] = c["counts"]!["MUST"]!["passed"]!.GetValue<int>() + 1)).SetName("An edited MUST pass count is rejected");
        yield return new TestCaseData("counts.SHOULD.failed", (Action<JsonObject>)(c => c["counts"]!["SHOULD"]!["failed"] = 3)).SetName("An edited SHOULD fail count is rejected");
        yield return new TestCaseData("target", (Action<JsonObject>)(c => c["target"] = "https://vendor.example/")).SetName("An edited target is rejected");
        yield return new TestCaseData("specs.rules.sha256", (Action<JsonObject>)(c => c["specs"]!["rules"]!["sha256"] = new string('0', 64))).SetName("An edited rules hash is rejected");
        yield return new TestCaseData("results_sha256", (Action<JsonObject>)(c => c["results_sha256"] = new string('a', 64))).SetName("An edited results hash is rejected");
        yield return new TestCaseData("suite.commit", (Action<JsonObject>)(c => c["suite"]!["commit"] = "unknown")).SetName("An edited suite commit is rejected");
        yield return new TestCaseData("badge", (Action<JsonObject>)(c => c["badge"] = "conformance | MUST 99%")).SetName("An edited badge text is rejected");
        yield return new TestCaseData("waivers", (Action<JsonObject>)(c => c["waivers"]!.AsArray().Add(new JsonObject { ["id"] = "W-1", ["rule"] = "TAGS-REPLACE", ["reason"] = "r", ["owner"] = "o", ["expires"] = "2099-01-01" }))).SetName("An added waiver is rejected");
        yield return new TestCaseData("date", (Action<JsonObject>)(c => c.Remove("date"))).SetName("A removed date is rejected");
    }

    [TestCaseSource(nameof(Edits))]
    public void An_edited_certificate_is_rejected_naming_the_field(string field, Action<JsonObject> edit)
    {
        var certificate = LoadCertificate();
        edit(certificate);
        var edited = Path.Combine(TempDirectory.Create("certificate-edited"), Certificate.FileName);
        File.WriteAllText(edited, Certificate.Render(certificate));
        var console = new StringWriter();

        var exit = VerifyCertificate.Run(edited, fullRun, console);

        exit.Should().Be(1, "{0}", console);
        console.ToString().Should().Contain("certificate rejected").And.Contain($"  {field}", "the differing field is named");
    }

    [Test]
    public void A_results_json_whose_verdict_was_edited_after_the_certificate_is_rejected_and_one_merely_reserialised_is_not()
    {
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(fullRun, "results.json")))!.AsObject();
        var folder = TempDirectory.Create("certificate-results");
        var reserialised = Path.Combine(folder, "reserialised.json");
        // Another tool's serialisation: compact, keys of every object in reverse order.
        File.WriteAllText(reserialised, Reversed(results)!.ToJsonString());
        var console = new StringWriter();
        VerifyCertificate.Run(CertificatePath, reserialised, console).Should().Be(0, "the results hash is of the verdicts, not the bytes: {0}", console);

        var test = results["tests"]!.AsArray().First(t => t!["verdict"]!.GetValue<string>() == Verdicts.Passed)!;
        test["verdict"] = Verdicts.Failed;
        var edited = Path.Combine(folder, "results.json");
        File.WriteAllText(edited, results.ToJsonString());
        console = new StringWriter();

        var exit = VerifyCertificate.Run(CertificatePath, edited, console);

        exit.Should().Be(1, "{0}", console);
        console.ToString().Should().Contain("  results_sha256", "one test's verdict changed; no count did");
    }

    [Test]
    public void A_results_json_whose_rule_verdict_was_edited_is_rejected_naming_the_count_and_the_hash()
    {
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(fullRun, "results.json")))!.AsObject();
        results["rules"]!.AsArray().First(r => r!["level"]!.GetValue<string>() == "MUST")!["verdict"] = Verdicts.Failed;
        var edited = Path.Combine(TempDirectory.Create("certificate-rule-edit"), "results.json");
        File.WriteAllText(edited, results.ToJsonString());
        var console = new StringWriter();

        var exit = VerifyCertificate.Run(CertificatePath, edited, console);

        exit.Should().Be(1);
        console.ToString().Should().Contain("  counts.MUST.passed").And.Contain("  counts.MUST.failed").And.Contain("  badge").And.Contain("  results_sha256");
    }

    [Test]
    public async Task Unreadable_files_are_a_usage_error_naming_the_argument()
    {
        var folder = TempDirectory.Create("certificate-unreadable");
        var notJson = Path.Combine(folder, "certificate.json");
        await File.WriteAllTextAsync(notJson, "not json {");

        var garbled = await ChildProcess.RunRunnerAsync("verify", notJson, fullRun);
        var missing = await ChildProcess.RunRunnerAsync("verify", CertificatePath, Path.Combine(folder, "nothing-here.json"));

        garbled.ExitCode.Should().Be(2, "{0}", garbled);
        garbled.StandardError.Should().Contain("verify CERT:").And.Contain("is not a certificate.json");
        missing.ExitCode.Should().Be(2, "{0}", missing);
        missing.StandardError.Should().Contain("verify RESULTS:");
    }

    [Test]
    public async Task A_rule_filtered_run_and_a_faulted_run_write_no_certificate_and_say_why()
    {
        var filtered = TempDirectory.Create("certificate-filtered");
        var faulted = TempDirectory.Create("certificate-faulted");

        var filteredRun = await ChildProcess.RunRunnerAsync("--rule", "TAGS-REPLACE", "--seed", "4242", "--out", filtered);
        var faultedRun = await ChildProcess.RunRunnerAsync("--rule", "TAGS-CLEAR", "--reference-fault", "tags-append", "--seed", "4242", "--out", faulted);

        filteredRun.ExitCode.Should().Be(0, "{0}", filteredRun);
        filteredRun.StandardOutput.Should().Contain("No certificate: the run was filtered by --rule" + Environment.NewLine, "the filter is the reason; the rules it left out are not listed as unjudged too");
        foreach (var (folder, run, why) in new[] { (filtered, filteredRun, "No certificate: the run was filtered by --rule"), (faulted, faultedRun, "the reference server ran with --reference-fault tags-append") })
        {
            File.Exists(Path.Combine(folder, Certificate.FileName)).Should().BeFalse();
            File.Exists(Path.Combine(folder, Certificate.BadgeFileName)).Should().BeFalse();
            run.StandardOutput.Should().Contain(why);
            (await File.ReadAllTextAsync(Path.Combine(folder, "summary.md"))).Should().Contain(why);
            (await File.ReadAllTextAsync(Path.Combine(folder, "index.html"))).Should().Contain("<dt>Certificate</dt><dd>No certificate: ").And.Contain(why.Replace("No certificate: ", "", StringComparison.Ordinal));
            var verify = await ChildProcess.RunRunnerAsync("verify", CertificatePath, folder);
            verify.ExitCode.Should().Be(1, "a run that was not certified has no certificate to match: {0}", verify);
            verify.StandardOutput.Should().Contain("was not certified");
        }
    }

    public static IEnumerable<TestCaseData> UncertifiedModes()
    {
        RunSettings Full() => new() { OutputDirectory = "unused", Seed = 4242, SpecsDirectory = Path.Combine(Repository.Root, "specs") };
        yield return new TestCaseData(Full() with { RuleFilter = ["TAGS-REPLACE"] }, "filtered by --rule").SetName("A run filtered by --rule is not certified");
        yield return new TestCaseData(Full() with { TestFilter = ["Some_test"] }, "filtered by --test").SetName("A run filtered by --test is not certified");
        yield return new TestCaseData(Full() with { ReadOnly = true }, "--read-only").SetName("A read-only run is not certified");
        yield return new TestCaseData(Full() with { ReferenceFaults = ["tags-append"] }, "--reference-fault tags-append").SetName("A run with a reference fault is not certified");
        yield return new TestCaseData(Full() with { FaultMatrix = true }, "--fault-matrix").SetName("A fault matrix run is not certified");
        yield return new TestCaseData(Full() with { Bench = true }, "--bench").SetName("A bench run is not certified");
    }

    [TestCaseSource(nameof(UncertifiedModes))]
    public void A_run_that_does_not_judge_the_whole_page_as_it_is_gets_no_certificate(RunSettings settings, string why)
    {
        var report = EveryRule(Verdicts.Passed).Build();

        var basis = CertificationBasis.Decide(report, settings, settings.OpenApiPath);

        basis.Certified.Should().BeFalse();
        basis.Explanation.Should().Contain(why);
        CertificationBasis.Decide(report, settings with { RuleFilter = [], TestFilter = [], ReadOnly = false, ReferenceFaults = [], FaultMatrix = false, Bench = false }, settings.OpenApiPath)
            .Certified.Should().BeTrue("the same run, full and clean, is certified");
    }

    [Test]
    public void A_run_that_left_a_rule_unjudged_gets_no_certificate_naming_it_but_an_observed_rule_is_not_unjudged()
    {
        var settings = new RunSettings { OutputDirectory = "unused", Seed = 4242, SpecsDirectory = Path.Combine(Repository.Root, "specs"), TargetUrl = new Uri("https://user:secret@vendor.example/api?key=k") };
        var observation = SyntheticReport.Catalogue.Rules.First(r => r.Observation).Id;
        var inconclusive = SyntheticReport.Catalogue.Rules.First(r => !r.Observation).Id;

        var observed = CertificationBasis.Decide(EveryRule(Verdicts.Passed, (observation, Verdicts.Skipped)).Build(target: "https://user:secret@vendor.example/api?key=k"), settings, settings.OpenApiPath);
        var partial = CertificationBasis.Decide(EveryRule(Verdicts.Passed, (inconclusive, Verdicts.Inconclusive)).Build(), settings, settings.OpenApiPath);

        observed.Certified.Should().BeTrue(observed.Explanation);
        observed.Target.Should().Be("https://vendor.example/api", "credentials in a URL never reach the certificate");
        partial.Explanation.Should().Be($"No certificate: 1 rule(s) were not judged (inconclusive or not run: {inconclusive})");
    }

    [Test]
    public void The_certificate_lists_the_waivers_in_force_and_not_the_stale_ones()
    {
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(fullRun, "results.json")))!.AsObject();
        results["waivers"] = new JsonArray(
            new JsonObject { ["id"] = "W-APPLIED", ["rule"] = "TAGS-REPLACE", ["reason"] = "fix in 4.2", ["owner"] = "vendor", ["expires"] = "2099-01-01", ["state"] = WaiverStates.Applied, ["stale"] = false, ["explanation"] = "e" },
            new JsonObject { ["id"] = "W-STALE", ["rule"] = "TAGS-CLEAR", ["reason"] = "old", ["owner"] = "vendor", ["expires"] = "2020-01-01", ["state"] = WaiverStates.Expired, ["stale"] = true, ["explanation"] = "e" });

        var certificate = Certificate.FromResults(results);

        certificate["waivers"]!.AsArray().Select(w => w!["id"]!.GetValue<string>()).Should().Equal(["W-APPLIED"]);
        certificate["waivers"]![0]!["expires"]!.GetValue<string>().Should().Be("2099-01-01");
    }

    [TestCase(112, 112, "conformance | pass", "#2e7d32")]
    [TestCase(109, 112, "conformance | MUST 97%", "#b26a00")]
    [TestCase(111, 112, "conformance | MUST 99%", "#b26a00")]
    [TestCase(80, 112, "conformance | MUST 71%", "#c62828")]
    [TestCase(0, 0, "conformance | MUST 0%", "#c62828")]
    public void The_badge_says_pass_only_when_every_judged_must_rule_passed_else_the_must_rate_rounded_down(int passed, int judged, string text, string colour)
    {
        Badge.Text(passed, judged).Should().Be(text);
        Badge.Colour(passed, judged).Should().Be(colour);
        Badge.Svg(passed, judged).Should().Contain($"<title>{text}</title>").And.Contain($"fill=\"{colour}\"");
    }

    private static SyntheticReport EveryRule(string verdict, params (string Rule, string Verdict)[] except)
    {
        var report = new SyntheticReport();
        foreach (var rule in SyntheticReport.Catalogue.Rules)
        {
            report.Test(rule.Id, except.FirstOrDefault(e => e.Rule == rule.Id).Verdict ?? verdict, exchanges: 0);
        }

        return report;
    }

    private static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static JsonNode? Reversed(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Reverse().Select(p => KeyValuePair.Create(p.Key, Reversed(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Reversed)]),
        null => null,
        _ => node.DeepClone(),
    };
}
