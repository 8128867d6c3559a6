using System.Text;
using System.Text.RegularExpressions;
using AnomaliesConformance.Runner;
using AnomaliesConformance.SelfTests.Support;
using FluentAssertions;
using NUnit.Framework;
using YamlDotNet.RepresentationModel;

namespace AnomaliesConformance.SelfTests;

/// <summary>
/// examples/ci: the GitHub Actions and GitLab CI examples parse as YAML, and every command they give the suite
/// exists: each option of a ./run-conformance.sh, runner or image call is one the runner's command line knows,
/// and each script they run is in the repository. They also do what the README says they do: the job summary
/// from summary.md, the JUnit upload, the report as an artifact, and the regression gate.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed partial class CiExamplesTests
{
    private static readonly string[] Examples = ["github-actions.yml", "gitlab-ci.yml"];

    [TestCaseSource(nameof(Examples))]
    public void Every_suite_command_of_the_example_names_options_the_runner_knows_and_scripts_the_repository_has(string example)
    {
        var calls = SuiteCalls(File.ReadAllText(ExamplePath(example)), out var problems);

        calls.Should().NotBeEmpty("the example runs the suite");
        problems.Should().BeEmpty();
    }

    [TestCaseSource(nameof(Examples))]
    public void The_example_gates_on_regressions_against_a_baseline(string example)
    {
        var calls = SuiteCalls(File.ReadAllText(ExamplePath(example)), out _);

        calls.Should().Contain(call => call.Contains("--baseline") && Regex.IsMatch(call, @"--fail-on(?:=| )regressions\b"),
            "a gate that fails only on regressions: {0}", string.Join('\n', calls));
    }

    [Test]
    public void The_github_example_writes_the_job_summary_uploads_junit_and_keeps_the_report()
    {
        var text = File.ReadAllText(ExamplePath("github-actions.yml"));

        text.Should().MatchRegex(@"cat [^\n]*summary\.md >> ""\$GITHUB_STEP_SUMMARY""");
        text.Should().MatchRegex(@"path: [^\n]*junit\.xml").And.Contain("uses: actions/upload-artifact@");
    }

    [Test]
    public void The_gitlab_example_feeds_the_test_report_from_junit_and_keeps_the_report()
    {
        var root = Load(File.ReadAllText(ExamplePath("gitlab-ci.yml")));
        var artifacts = (YamlMappingNode)((YamlMappingNode)root["conformance"])["artifacts"];

        ((YamlScalarNode)((YamlMappingNode)((YamlMappingNode)artifacts["reports"]))["junit"]).Value.Should().EndWith("junit.xml");
        ((YamlSequenceNode)artifacts["paths"]).Children.OfType<YamlScalarNode>().Select(p => p.Value).Should().Contain("reports/ci/");
        File.ReadAllText(ExamplePath("gitlab-ci.yml")).Should().Contain("summary.md");
    }

    [Test]
    public void The_check_finds_an_unknown_option_a_missing_script_and_yaml_that_does_not_parse()
    {
        const string Broken = """
            jobs:
              gate:
                steps:
                  - run: |
                      ./run-conformance.sh --out reports/ci \
                        --no-such-option 3 && ./tools/not-there.sh
                  - run: docker run --rm -v "$PWD/out:/reports" anomalies-conformance:ci --profile /data/p.yaml --no-such-shard 1/4
            """;

        SuiteCalls(Broken, out var problems);

        problems.Should().BeEquivalentTo(
            "./run-conformance.sh: --no-such-option is not an option of the runner",
            "./tools/not-there.sh: no such file in the repository",
            "anomalies-conformance:ci: --no-such-shard is not an option of the runner");
        FluentActions.Invoking(() => Load("jobs: [unclosed")).Should().Throw<YamlDotNet.Core.YamlException>();
    }

    /// <summary>The command lines the example gives the suite (script, runner dll, image entry point, docker run of the image).</summary>
    private static List<string> SuiteCalls(string yaml, out List<string> problems)
    {
        var root = Load(yaml);
        var commandLine = new RunnerCommandLine().Root;
        var rootOptions = commandLine.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet();
        var calls = new List<string>();
        problems = [];
        foreach (var script in Scripts(root))
        {
            foreach (var words in Commands(script))
            {
                var (program, arguments) = SuiteArguments(words, problems);
                if (program is null)
                {
                    continue;
                }

                calls.Add(string.Join(' ', words));
                var options = rootOptions;
                if (arguments.Count > 0 && !arguments[0].StartsWith('-'))
                {
                    var subcommand = commandLine.Subcommands.FirstOrDefault(c => c.Name == arguments[0]);
                    if (subcommand is null)
                    {
                        problems.Add($"{program}: {arguments[0]} is not a command of the runner");
                        continue;
                    }

                    options = subcommand.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet();
                }

                foreach (var option in arguments.Where(a => a.StartsWith("--", StringComparison.Ordinal)).Select(a => a.Split('=')[0]))
                {
                    if (!options.Contains(option))
                    {
                        problems.Add($"{program}: {option} is not an option of the runner");
                    }
                }
            }
        }

        return calls;
    }

    /// <summary>
    /// The program a command runs when it is the suite, and the words it gives it; scripts of the repository
    /// the command runs are checked for existence on the way.
    /// </summary>
    private static (string? Program, List<string> Arguments) SuiteArguments(List<string> words, List<string> problems)
    {
        // Leading NAME=value words set the environment of the command.
        var start = words.TakeWhile(w => EnvironmentAssignment().IsMatch(w)).Count();
        if (start >= words.Count)
        {
            return (null, []);
        }

        var program = words[start];
        var rest = words.Skip(start + 1).ToList();
        if (program == "docker" && rest.FirstOrDefault() == "run")
        {
            var image = rest.FindIndex(w => w.StartsWith("anomalies-conformance:", StringComparison.Ordinal));
            return image < 0 ? (null, []) : (rest[image], rest.Skip(image + 1).ToList());
        }

        if (program == "dotnet" && rest.FirstOrDefault() is { } dll && dll.EndsWith("AnomaliesConformance.Runner.dll", StringComparison.Ordinal))
        {
            return (dll, rest.Skip(1).ToList());
        }

        // The image's entry point lives at /suite/ inside it; in the repository, beside its Dockerfile.
        var repositoryPath = program == "/suite/docker-entrypoint.sh"
            ? "suites/AnomaliesConformance.Runner/docker/docker-entrypoint.sh"
            : program.StartsWith("./", StringComparison.Ordinal) || RepositoryFolder().IsMatch(program) ? program.TrimStart('.', '/') : null;
        if (repositoryPath is null)
        {
            return (null, []);
        }

        if (!File.Exists(Path.Combine(Repository.Root, repositoryPath)))
        {
            problems.Add($"{program}: no such file in the repository");
            return (null, []);
        }

        return program.EndsWith("run-conformance.sh", StringComparison.Ordinal) || program.EndsWith("docker-entrypoint.sh", StringComparison.Ordinal)
            ? (program, rest)
            : (null, []);
    }

    /// <summary>The shell text of every step: GitHub's run, GitLab's script, before_script and after_script.</summary>
    private static IEnumerable<string> Scripts(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is YamlScalarNode { Value: "run" or "script" or "before_script" or "after_script" })
                    {
                        if (value is YamlScalarNode { Value: { } text })
                        {
                            yield return text;
                        }
                        else if (value is YamlSequenceNode lines)
                        {
                            foreach (var line in lines.Children.OfType<YamlScalarNode>())
                            {
                                yield return line.Value ?? "";
                            }
                        }
                    }
                    else
                    {
                        foreach (var script in Scripts(value))
                        {
                            yield return script;
                        }
                    }
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var script in sequence.Children.SelectMany(Scripts))
                {
                    yield return script;
                }

                break;
        }
    }

    /// <summary>
    /// Simple commands of a shell text, as words: continued lines joined, split at newlines, ;, &amp;&amp;, || and |
    /// outside quotes, quotes removed. Enough for CI steps; not a shell.
    /// </summary>
    private static IEnumerable<List<string>> Commands(string script)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        var text = script.Replace("\\\r\n", " ", StringComparison.Ordinal).Replace("\\\n", " ", StringComparison.Ordinal);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }

                continue;
            }

            if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (c is ' ' or '\t')
            {
                EndWord();
            }
            else if (c is '\n' or ';' or '|' or '&')
            {
                EndWord();
                if (words.Count > 0)
                {
                    yield return words;
                    words = [];
                }
            }
            else if (c == '#' && !inWord)
            {
                // A comment, to the end of the line.
                while (i + 1 < text.Length && text[i + 1] != '\n')
                {
                    i++;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        EndWord();
        if (words.Count > 0)
        {
            yield return words;
        }

        void EndWord()
        {
            if (inWord)
            {
                words.Add(word.ToString());
            }

            word.Clear();
            inWord = false;
        }
    }

    private static YamlNode Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Single().RootNode;
    }

    private static string ExamplePath(string name) => Path.Combine(Repository.Root, "examples", "ci", name);

    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]*=")]
    private static partial Regex EnvironmentAssignment();

    [GeneratedRegex(@"\A(?:suites|fixtures|tools|specs|\.ci)/")]
    private static partial Regex RepositoryFolder();
}
