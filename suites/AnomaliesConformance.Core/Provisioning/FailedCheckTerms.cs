using System.Globalization;
using AnomaliesConformance.Core.Discovery;

namespace AnomaliesConformance.Core.Provisioning;

/// <summary>
/// The search terms and filter values a check derives from its anomalies' failed checks as they read back, so
/// the same choice serves a provisioned world (where it finds what the spec chose) and existing anomalies (where
/// <see cref="ExistingNeeds"/> picks anomalies for which it finds one). Each term is held by one of the
/// anomalies and lacked by another, so a check on it can fail both ways.
/// </summary>
public static class FailedCheckTerms
{
    /// <summary>
    /// Words of a text a search can be judged on: letters only, five or more, one beyond 'f', so no decimal id
    /// and no hexadecimal uuid can hold them.
    /// </summary>
    public static IEnumerable<string> Words(string? text) =>
        System.Text.RegularExpressions.Regex.Split(text ?? "", "[^A-Za-z]+").Where(w => w.Length >= 5 && w.Any(c => char.ToLowerInvariant(c) > 'f'));

    /// <summary>Whether a search for <paramref name="term"/> finds the anomaly: a failed check's message, its decimal id or its uuid holds it, whatever the case.</summary>
    public static bool Finds(AnomalyTraits anomaly, string term) =>
        InMessages(anomaly, term, StringComparison.OrdinalIgnoreCase)
        || anomaly.Id.ToString(CultureInfo.InvariantCulture).Contains(term, StringComparison.Ordinal)
        || anomaly.Uuid.Contains(term, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A term of one anomaly's messages that another anomaly's lack, and that every anomaly holding it at all
    /// holds in that case (so whether search ignores case is not this term's question); the term most anomalies
    /// hold first. Null when there is none.
    /// </summary>
    public static string? MessageTerm(IReadOnlyList<AnomalyTraits> anomalies) =>
        SameCaseTerms(anomalies, anomalies.SelectMany(a => a.FailedCheckList).SelectMany(c => Words(c.Message))).FirstOrDefault();

    /// <summary>A term of the messages that spans two words (a word and a part of its neighbour), held and lacked as <see cref="MessageTerm"/>'s.</summary>
    public static string? SpanningTerm(IReadOnlyList<AnomalyTraits> anomalies) =>
        SameCaseTerms(anomalies, anomalies.SelectMany(a => a.FailedCheckList).SelectMany(c => Spanning(c.Message))).FirstOrDefault();

    /// <summary>
    /// A word of an anomaly's description that its own messages lack: a search for it must not find the anomaly
    /// by its description (other anomalies' messages may hold it, in that case only).
    /// </summary>
    public static string? DescriptionTerm(IReadOnlyList<AnomalyTraits> anomalies) =>
        SameCaseTerms(anomalies, anomalies.SelectMany(a => Words(a.Description).Where(w => !Finds(a, w))), held: false).FirstOrDefault();

    /// <summary>
    /// A word of the messages in a letter case no message spells it in (Zebra for ZEBRA and zebra), which another
    /// anomaly's messages lack; the word most anomalies hold first. Null when there is none.
    /// </summary>
    public static (string Word, string Term)? CaseChanged(IReadOnlyList<AnomalyTraits> anomalies)
    {
        var messages = anomalies.SelectMany(a => a.FailedCheckList).Select(c => c.Message ?? "").ToList();
        return anomalies.SelectMany(a => a.FailedCheckList).SelectMany(c => Words(c.Message)).Distinct(StringComparer.Ordinal)
            .Where(w => anomalies.Any(a => !Finds(a, w)))
            .OrderByDescending(w => anomalies.Count(a => Finds(a, w)))
            .Select(w => (Word: w, Term: Casings(w).FirstOrDefault(t => !messages.Any(m => m.Contains(t, StringComparison.Ordinal)))))
            .Where(p => p.Term is not null)
            .Select(p => ((string Word, string Term)?)(p.Word, p.Term!))
            .FirstOrDefault();
    }

    /// <summary>
    /// A value of a failed-check property (its fields, its id, its rule type) that an anomaly holds in a check
    /// after its first and not in its first, and that another anomaly holds in no check: a filter that looks at
    /// the first check only misses the one. Null when there is none.
    /// </summary>
    public static string? BeyondFirstCheck(IReadOnlyList<AnomalyTraits> anomalies, Func<FailedCheckTraits, IEnumerable<string>> values) =>
        anomalies.Where(a => a.FailedCheckList.Count > 1)
            .SelectMany(a => a.FailedCheckList.Skip(1).SelectMany(values).Except(values(a.FailedCheckList[0])))
            .FirstOrDefault(v => anomalies.Any(other => !Holds(other, v, values)));

    /// <summary>
    /// Two values of a failed-check property, the second held by an anomaly that lacks the first (repeated values
    /// widen the list, a comma-joined pair is one value); the first is <see cref="BeyondFirstCheck"/>'s where it
    /// has one. Null when no anomaly lacks a value another holds.
    /// </summary>
    public static (string First, string Second)? TwoValues(IReadOnlyList<AnomalyTraits> anomalies, Func<FailedCheckTraits, IEnumerable<string>> values)
    {
        var firsts = new[] { BeyondFirstCheck(anomalies, values) }.OfType<string>()
            .Concat(anomalies.SelectMany(a => a.FailedCheckList).SelectMany(values)).Distinct(StringComparer.Ordinal);
        foreach (var first in firsts)
        {
            if (anomalies.Where(a => !Holds(a, first, values)).SelectMany(a => a.FailedCheckList).SelectMany(values).FirstOrDefault() is { } second)
            {
                return (first, second);
            }
        }

        return null;
    }

    /// <summary>The longest proper part of an id's digits that its uuid does not contain (only the id can match a search for it), or null.</summary>
    public static string? ProperPartOfId(long id, string uuid)
    {
        var digits = id.ToString(CultureInfo.InvariantCulture);
        return Enumerable.Range(1, Math.Max(0, digits.Length - 1)).Reverse()
            .SelectMany(length => Enumerable.Range(0, digits.Length - length + 1).Select(start => digits.Substring(start, length)))
            .FirstOrDefault(p => !uuid.Contains(p, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether one of the anomaly's failed checks holds the value.</summary>
    public static bool Holds(AnomalyTraits anomaly, string value, Func<FailedCheckTraits, IEnumerable<string>> values) =>
        anomaly.FailedCheckList.Any(c => values(c).Contains(value, StringComparer.Ordinal));

    public static IEnumerable<string> FieldsOf(FailedCheckTraits check) => check.Fields;

    public static IEnumerable<string> IdOf(FailedCheckTraits check) => check.Id is { } id ? [id.ToString(CultureInfo.InvariantCulture)] : [];

    public static IEnumerable<string> RuleTypeOf(FailedCheckTraits check) => check.RuleType is { } ruleType ? [ruleType] : [];

    private static bool InMessages(AnomalyTraits anomaly, string term, StringComparison comparison) =>
        anomaly.FailedCheckList.Any(c => c.Message?.Contains(term, comparison) == true);

    /// <summary>The candidates search does not find in some anomaly (and finds in another, when <paramref name="held"/>), each holder holding them in that very case.</summary>
    private static IEnumerable<string> SameCaseTerms(IReadOnlyList<AnomalyTraits> anomalies, IEnumerable<string> candidates, bool held = true) =>
        candidates.Distinct(StringComparer.Ordinal)
            .Where(t => anomalies.Any(a => !Finds(a, t)) && (!held || anomalies.Any(a => Finds(a, t)))
                && anomalies.All(a => InMessages(a, t, StringComparison.Ordinal) == InMessages(a, t, StringComparison.OrdinalIgnoreCase)))
            .OrderByDescending(t => anomalies.Count(a => Finds(a, t)));

    /// <summary>Each searchable word of a message with a space and the first letters of the word after it.</summary>
    private static IEnumerable<string> Spanning(string? message)
    {
        var words = (message ?? "").Split(' ');
        for (var i = 0; i + 1 < words.Length; i++)
        {
            if (Words(words[i]).Any() && words[i].All(char.IsAsciiLetter) && words[i + 1].Length > 0)
            {
                yield return words[i] + " " + words[i + 1][..Math.Min(5, words[i + 1].Length)];
            }
        }
    }

    private static IEnumerable<string> Casings(string word) =>
    [
        CultureInfo.InvariantCulture.TextInfo.ToTitleCase(word.ToLowerInvariant()),
        word.ToUpperInvariant(),
        new string([.. word.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c))]),
    ];
}
