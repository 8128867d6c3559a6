using System.Text.RegularExpressions;
using AnomaliesConformance.Core.Checks;

namespace AnomaliesConformance.Runner.Reporting;

/// <summary>
/// What a failed check expected against what it observed, as a short pair a reader takes in at a glance
/// ("assignee ids: expected {5, 6}, observed {3, 5, 6}"); the assertion's full text stays beside it.
/// Read from the messages of the assertions the suite uses: FluentAssertions' equality, equivalence and count
/// assertions (their values are already rendered as FluentAssertions formats them: {5, 6}, "text", 200) and
/// the suite's status helpers (ResponseAssertions: "expected HTTP 200 ..., but the target answered 404").
/// A message in another form has no pair, and the report shows its text as it is.
/// </summary>
public sealed partial record ExpectedObserved(string Subject, string Expected, string Observed)
{
    /// <summary>Values longer than this are cut: the pair is a glance, the full text is behind it.</summary>
    public const int MaxValueChars = 160;

    public override string ToString() => $"{Subject}: expected {Expected}, observed {Observed}";

    /// <summary>The pair of a failed test, or null when it passed or its message is in no known form.</summary>
    public static ExpectedObserved? Of(TestOutcome test) =>
        test.Verdict is Verdicts.Failed or Verdicts.Waived ? FromMessage(test.Message) : null;

    public static ExpectedObserved? FromMessage(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return null;
        }

        if (StatusHelper().Match(message) is { Success: true } status)
        {
            return Pair("HTTP status", status.Groups["expected"].Value, status.Groups["observed"].Value);
        }

        if (CollectionEqual().Match(message) is { Success: true } equal)
        {
            return Pair(SubjectName(equal.Groups["subject"].Value), equal.Groups["expected"].Value, WithoutFound(equal.Groups["observed"].Value));
        }

        if (CollectionEquivalent().Match(message) is { Success: true } equivalent)
        {
            return Pair(SubjectName(equivalent.Groups["subject"].Value), equivalent.Groups["expected"].Value, WithoutFound(equivalent.Groups["observed"].Value));
        }

        if (Count().Match(message) is { Success: true } count)
        {
            return Pair(SubjectName(count.Groups["subject"].Value) + " count", count.Groups["expected"].Value, count.Groups["observed"].Value);
        }

        if (StringValue().Match(message) is { Success: true } text)
        {
            return Pair(SubjectName(text.Groups["subject"].Value), text.Groups["expected"].Value, text.Groups["observed"].Value);
        }

        if (Empty().Match(message) is { Success: true } empty)
        {
            return Pair(SubjectName(empty.Groups["subject"].Value), "empty", empty.Groups["observed"].Value);
        }

        if (ObjectValue().Match(message) is { Success: true } structure)
        {
            return Pair(SubjectName(structure.Groups["subject"].Value), structure.Groups["expected"].Value, structure.Groups["observed"].Value);
        }

        if (Value().Match(message) is { Success: true } value && !value.Groups["expected"].Value.StartsWith("equ", StringComparison.Ordinal))
        {
            return Pair(SubjectName(value.Groups["subject"].Value), value.Groups["expected"].Value, value.Groups["observed"].Value);
        }

        return null;
    }

    /// <summary>
    /// A readable name for the expression FluentAssertions names: the last member it reads, in words
    /// ("(await SnapshotAsync(world["a"])).AssigneeIds()" is "assignee ids", "put.Status" is "status").
    /// </summary>
    public static string SubjectName(string expression)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < expression.Length; i++)
        {
            switch (expression[i])
            {
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    depth--;
                    break;
                case '.' when depth == 0:
                    start = i + 1;
                    break;
            }
        }

        var member = expression[start..].Trim();
        if (start > 0 && Reshaping().IsMatch(member))
        {
            // x.AssigneeIds().Order() or items.Select(a => a.Id()): the member before the reshaping names it.
            return SubjectName(expression[..(start - 1)]);
        }

        member = Call().Replace(Unwrapped(member), "${name}");
        if (member.EndsWith("Async", StringComparison.Ordinal) && member.Length > "Async".Length)
        {
            member = member[..^"Async".Length];
        }

        if (!Identifier().IsMatch(member))
        {
            return Cut(expression.Trim());
        }

        return WordBoundary().Replace(member, " ").ToLowerInvariant();
    }

    /// <summary>The expression without parentheses around the whole of it: (LinkIdsAsync(anomaly)) is LinkIdsAsync(anomaly).</summary>
    private static string Unwrapped(string expression)
    {
        while (expression.Length > 1 && expression[0] == '(' && expression[^1] == ')')
        {
            var depth = 0;
            for (var i = 0; i < expression.Length - 1; i++)
            {
                depth += expression[i] == '(' ? 1 : expression[i] == ')' ? -1 : 0;
                if (depth == 0)
                {
                    // The first parenthesis closes before the end: (a).B(), not one wrapped expression.
                    return expression;
                }
            }

            expression = expression[1..^1];
        }

        return expression;
    }

    private static ExpectedObserved Pair(string subject, string expected, string observed) =>
        new(subject, Cut(Plain(expected.Trim())), Cut(Plain(observed.Trim())));

    // FluentAssertions marks a long with a suffix ({5L, 6L}); the reader wants the ids as the API writes them.
    private static string Plain(string value) => LongSuffix().Replace(value, "$1");

    // FluentAssertions writes an empty collection as "empty collection" after "found".
    private static string WithoutFound(string observed) => observed.StartsWith("found ", StringComparison.Ordinal) ? observed["found ".Length..] : observed;

    private static string Cut(string value)
    {
        var oneLine = string.Join(' ', value.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= MaxValueChars ? oneLine : oneLine[..MaxValueChars] + "…";
    }

    // The suite's ResponseAssertions.FailStatus: "expected HTTP 200 <because>, but the target answered 404".
    [GeneratedRegex(@"\Aexpected (?:HTTP (?<expected>\d{3}(?: or \d{3})*)|a success \((?<expected>2xx)\)|the request to be refused \((?<expected>4xx)\)) .*?, but the target answered (?<observed>\d{3})", RegexOptions.Singleline)]
    private static partial Regex StatusHelper();

    // Should().Equal(...): "Expected X to be equal to {5, 6}[ because ...], but {3, 5, 6} contains 1 item(s) too many."
    // The reason may hold a whole response (with commas), so the observed value is taken after the last ", but ".
    [GeneratedRegex(@"\AExpected (?<subject>.+?) to be equal to (?<expected>\{.*?\}|<null>)(?: because .*)?, but (?<observed>\{.*?\}|<null>|found empty collection|found <null>)(?: contains \d+ item\(s\)| differs at index| has| is|\.?\s*\z)", RegexOptions.Singleline)]
    private static partial Regex CollectionEqual();

    // Should().BeEquivalentTo(list): "Expected X to be a collection with 2 item(s)[ because ...], but {3, 5, 6}\ncontains 1 item(s) more than\n{5, 6}.", then the options it compared with
    [GeneratedRegex(@"\AExpected (?<subject>.+?) to be a collection with \d+ item\(s\)(?: because .*)?, but (?<observed>\{.*?\})\s*contains \d+ item\(s\) (?:more|less) than\s*(?<expected>\{.*?\})\.(?:\s|\z)", RegexOptions.Singleline)]
    private static partial Regex CollectionEquivalent();

    // Should().HaveCount(n): "Expected X to contain 2 item(s)[ because ...], but found 3: {1, 2, 3}."
    [GeneratedRegex(@"\AExpected (?<subject>.+?) to contain (?<expected>\d+) item\(s\)(?: because .*)?, but found (?<observed>\d+)(?::|\.)", RegexOptions.Singleline)]
    private static partial Regex Count();

    // Should().Be("text"): "Expected X to be "a" with a length of 1[ because ...], but "bb" has a length of 2, differs near ..."
    [GeneratedRegex(@"\AExpected (?<subject>.+?) to be (?<expected>"".*?"")(?: with a length of \d+)?(?: because .*)?, but (?<observed>"".*?"")(?: has a length of \d+| differs near|\.?\s*\z)", RegexOptions.Singleline)]
    private static partial Regex StringValue();

    // Should().BeEmpty(): "Expected X to be empty[ because ...], but found at least one item {"a"}."
    [GeneratedRegex(@"\AExpected (?<subject>.+?) to be empty(?: because .*)?, but found (?:at least one item |\d+ item\(s\) )?(?<observed>\{.*\})\.?\s*\z", RegexOptions.Singleline)]
    private static partial Regex Empty();

    // Should().Be(record) of a structure: "Expected X to be\n{\n    Pages = 1L\n}[ because ...], but found\n{\n    Pages = 2L\n}."
    [GeneratedRegex(@"\AExpected (?<subject>.+?) to be\s*(?<expected>\{.*?\})(?: because .*)?, but found\s*(?<observed>\{.*\})\.?\s*\z", RegexOptions.Singleline)]
    private static partial Regex ObjectValue();

    // Should().Be(value), BeNull(), BeTrue(): "Expected X to be 200[ because ...], but found 403[ (difference of 203)]." (or a quoted text)
    [GeneratedRegex(@"\AExpected (?<subject>.+?) to be (?<expected>[^\s,]+)(?: because .*)?, but found (?<observed>"".*""|[^\s]+?)(?: \(difference of [^)]*\))?\.*\s*\z", RegexOptions.Singleline)]
    private static partial Regex Value();

    [GeneratedRegex(@"\A(?:Select|Where|Order|OrderBy|OrderByDescending|Distinct|ToList|ToArray|AsEnumerable)(?:<[^>]*>)?\(")]
    private static partial Regex Reshaping();

    // A call's name without its arguments: LinkIdsAsync(anomaly) is LinkIdsAsync.
    [GeneratedRegex(@"\A(?<name>[A-Za-z_][A-Za-z0-9_]*)\(.*\)\z", RegexOptions.Singleline)]
    private static partial Regex Call();

    [GeneratedRegex(@"(?<=\A|[{ ])(-?\d+)L(?=,|\s*}|\s*\z)")]
    private static partial Regex LongSuffix();

    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"(?<=[a-z0-9])(?=[A-Z])|_")]
    private static partial Regex WordBoundary();
}
