using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace AnomaliesConformance.Core.Http;

/// <summary>
/// Replaces every registered secret (bearer tokens, provisioning keys) with a placeholder. Everything that
/// leaves the process (reports, console, exchange logs) goes through <see cref="Redact"/>.
/// </summary>
public sealed partial class Redactor
{
    private readonly ConcurrentDictionary<string, string> secrets = new(StringComparer.Ordinal);

    public void Register(string? secret, string placeholder)
    {
        // Very short values would redact ordinary text; real tokens and keys are long.
        if (!string.IsNullOrEmpty(secret) && secret.Length >= 6)
        {
            secrets[secret] = placeholder;
        }
    }

    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        // Secrets the run has not learnt yet (a provisioning answer carrying new users' tokens) are caught
        // by their JSON property name.
        text = SecretJsonProperty().Replace(text, m => $"{m.Groups[1].Value}\"<redacted>\"");

        foreach (var (secret, placeholder) in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, placeholder, StringComparison.Ordinal);
            }
        }

        return text;
    }

    [GeneratedRegex("(\"(?:token|access_token|refresh_token|api_key|password|secret|provisioning_key)\"\\s*:\\s*)\"[^\"]*\"", RegexOptions.IgnoreCase)]
    private static partial Regex SecretJsonProperty();
}
