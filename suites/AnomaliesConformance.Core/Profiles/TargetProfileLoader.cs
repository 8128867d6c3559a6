using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AnomaliesConformance.Core.Profiles;

/// <summary>
/// Reads a target profile (YAML or JSON, which is YAML) strictly: every unknown key, wrong type or missing
/// value is a <see cref="ConfigurationException"/> naming the file, the line and the field, so a typo in a
/// CI secret setup is found before any request is sent.
/// </summary>
public static class TargetProfileLoader
{
    private static readonly string[] TopLevelKeys = ["version", "target", "fixtures", "expectations", "representation", "canary", "secrets", "permission_matrix"];

    public static TargetProfile Load(string path, Func<string, string?> environment)
    {
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"--profile: {path} does not exist");
        }

        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new ConfigurationException($"{path}:{e.Start.Line}: {e.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ConfigurationException($"{path}:1: a profile is a mapping (see specs/profile.md)");
        }

        var errors = new ProfileErrors(path);
        errors.RejectUnknown(root, TopLevelKeys, "");
        var version = errors.Scalar(root, "version", "", required: true);
        if (version is not null && version.Value != "1")
        {
            errors.Add(version, "version", "must be 1");
        }

        var target = errors.Mapping(root, "target", "", required: false);
        Uri? baseUrl = null;
        TimeSpan? timeout = null;
        double? rate = null;
        string? openApiPath = null;
        if (target is not null)
        {
            errors.RejectUnknown(target, ["base_url", "timeout_seconds", "rate_limit_per_second", "openapi_path"], "target.");
            if (errors.Scalar(target, "openapi_path", "target.", required: false) is { } openApi)
            {
                openApiPath = openApi.Value!.StartsWith('/') && !openApi.Value.Contains("://", StringComparison.Ordinal)
                    ? openApi.Value
                    : null;
                if (openApiPath is null)
                {
                    errors.Add(openApi, "target.openapi_path", $"'{openApi.Value}' is not a path on the target (e.g. /api/openapi.json)");
                }
            }

            if (errors.Scalar(target, "base_url", "target.", required: false) is { } url)
            {
                if (!Uri.TryCreate(url.Value?.TrimEnd('/') + "/", UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("http" or "https"))
                {
                    errors.Add(url, "target.base_url", $"'{url.Value}' is not an http(s) URL");
                }
            }

            timeout = errors.Number(target, "timeout_seconds", "target.", 1, 3600) is { } t ? TimeSpan.FromSeconds(t) : null;
            rate = errors.Number(target, "rate_limit_per_second", "target.", 0.1, 10_000);
        }

        string? key = null;
        FixtureManifest? manifest = null;
        var fixtures = errors.Mapping(root, "fixtures", "", required: true);
        if (fixtures is not null)
        {
            var mode = errors.Scalar(fixtures, "mode", "fixtures.", required: true);
            switch (mode?.Value)
            {
                case "provisioning":
                    errors.RejectUnknown(fixtures, ["mode", "provisioning_key"], "fixtures.");
                    key = errors.Secret(fixtures, "provisioning_key", "fixtures.", environment, required: true);
                    break;
                case "manifest":
                    errors.RejectUnknown(fixtures, ["mode", "users", "anomalies", "tags", "integrations"], "fixtures.");
                    manifest = ReadManifest(fixtures, errors, environment);
                    break;
                case null:
                    break;
                default:
                    errors.Add(mode!, "fixtures.mode", $"'{mode!.Value}' is not a mode (provisioning or manifest)");
                    break;
            }
        }

        var expectations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (errors.Mapping(root, "expectations", "", required: false) is { } declared)
        {
            foreach (var (name, value) in declared.Children)
            {
                if (value is YamlScalarNode scalar && !string.IsNullOrWhiteSpace(scalar.Value))
                {
                    expectations[((YamlScalarNode)name).Value!] = scalar.Value!;
                }
                else
                {
                    errors.Add(value, $"expectations.{name}", "must be a plain value (e.g. allowed, refused, 401)");
                }
            }
        }

        var representation = new Dictionary<string, string>(StringComparer.Ordinal);
        if (errors.Mapping(root, "representation", "", required: false) is { } spelled)
        {
            foreach (var (name, value) in spelled.Children)
            {
                var spelling = ((YamlScalarNode)name).Value!;
                if (value is not YamlScalarNode { Value: { } text })
                {
                    errors.Add(value, $"representation.{spelling}", "must be a plain value (a key or parameter name)");
                }
                else if (Checks.Representation.Problem(spelling, text) is { } problem)
                {
                    errors.Add(name, $"representation.{spelling}", problem);
                }
                else
                {
                    representation[spelling] = text;
                }
            }
        }

        string? matrixPath = null;
        if (errors.Scalar(root, "permission_matrix", "", required: false) is { } matrix)
        {
            matrixPath = System.IO.Path.IsPathRooted(matrix.Value!) ? matrix.Value : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".", matrix.Value!);
            if (!File.Exists(matrixPath))
            {
                errors.Add(matrix, "permission_matrix", $"file {matrixPath} does not exist");
            }
        }

        var canaryNode = errors.Scalar(root, "canary", "", required: false);
        var canary = canaryNode?.Value;
        if (canaryNode is not null && manifest is not null
            && new[] { manifest.ReadOnly, manifest.Mutable, manifest.Sacrificial }.Any(l => l.Contains(canary!, StringComparer.OrdinalIgnoreCase)))
        {
            errors.Add(canaryNode, "canary", $"{canary} is also listed in fixtures.anomalies; the canary is the anomaly no check may touch");
        }
        var secrets = new List<string>();
        if (root.Children.TryGetValue(new YamlScalarNode("secrets"), out var secretsNode))
        {
            if (secretsNode is YamlSequenceNode list)
            {
                for (var i = 0; i < list.Children.Count; i++)
                {
                    if (errors.SecretValue(list.Children[i], $"secrets[{i}]", environment) is { } secret)
                    {
                        secrets.Add(secret);
                    }
                }
            }
            else
            {
                errors.Add(secretsNode, "secrets", "must be a list of {env: NAME}, {file: PATH} or {value: TEXT}");
            }
        }

        errors.ThrowIfAny();
        return new TargetProfile
        {
            Path = path,
            BaseUrl = baseUrl,
            Timeout = timeout,
            RateLimitPerSecond = rate,
            OpenApiPath = openApiPath,
            PermissionMatrixPath = matrixPath,
            ProvisioningKey = key,
            Manifest = manifest,
            Expectations = expectations,
            Representation = representation,
            Canary = canary,
            Secrets = secrets,
        };
    }

    private static readonly string[] TeamPermissions = ["Reporter", "Viewer", "Drafter", "Author", "Editor"];

    /// <summary>fixtures.users (cast label to id and token) and fixtures.anomalies (ids or UUIDs by purpose).</summary>
    private static FixtureManifest? ReadManifest(YamlMappingNode fixtures, ProfileErrors errors, Func<string, string?> environment)
    {
        var labels = Provisioning.CastMember.Everyone.Select(m => m.Label).ToArray();
        var users = new Dictionary<string, ManifestUser>(StringComparer.Ordinal);
        if (errors.Mapping(fixtures, "users", "fixtures.", required: true) is { } declared)
        {
            foreach (var (nameNode, value) in declared.Children)
            {
                var label = ((YamlScalarNode)nameNode).Value ?? "";
                var field = $"fixtures.users.{label}";
                if (!labels.Contains(label))
                {
                    errors.Add(nameNode, field, $"'{label}' is not a cast label ({string.Join(", ", labels)})");
                    continue;
                }

                if (value is not YamlMappingNode user)
                {
                    errors.Add(value, field, "must be a mapping with token and, for users that are assigned or mentioned, id");
                    continue;
                }

                errors.RejectUnknown(user, ["id", "token", "permissions"], field + ".");
                var permissions = new Dictionary<long, string?>();
                if (user.Children.TryGetValue(new YamlScalarNode("permissions"), out var permissionsNode))
                {
                    if (permissionsNode is not YamlMappingNode declaredPermissions)
                    {
                        errors.Add(permissionsNode, field + ".permissions", "must map datastore ids to a team permission (Reporter, Viewer, Drafter, Author, Editor) or none");
                    }
                    else
                    {
                        foreach (var (datastoreNode, permissionNode) in declaredPermissions.Children)
                        {
                            var datastore = ((YamlScalarNode)datastoreNode).Value ?? "";
                            var permission = (permissionNode as YamlScalarNode)?.Value ?? "";
                            if (!long.TryParse(datastore, NumberStyles.None, CultureInfo.InvariantCulture, out var datastoreId) || datastoreId <= 0)
                            {
                                errors.Add(datastoreNode, field + ".permissions", $"'{datastore}' is not a datastore id");
                            }
                            else if (permission != "none" && !TeamPermissions.Contains(permission))
                            {
                                errors.Add(permissionNode, $"{field}.permissions.{datastore}", $"'{permission}' is not a team permission ({string.Join(", ", TeamPermissions)}) or none");
                            }
                            else
                            {
                                permissions[datastoreId] = permission == "none" ? null : permission;
                            }
                        }
                    }
                }

                long? id = null;
                if (errors.Scalar(user, "id", field + ".", required: false) is { } idNode)
                {
                    if (long.TryParse(idNode.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
                    {
                        id = parsed;
                    }
                    else
                    {
                        errors.Add(idNode, field + ".id", "must be a positive integer (the user's id on the target)");
                    }
                }

                if (errors.Secret(user, "token", field + ".", environment, required: true) is { } token)
                {
                    users[label] = new ManifestUser(label, id, token, permissions.Count == 0 ? null : permissions);
                }
            }

            if (!declared.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == "admin"))
            {
                errors.Add(declared, "fixtures.users.admin", "is required: the run reads every fixture back and restores mutable anomalies as an Admin");
            }
        }

        var lists = new Dictionary<FixturePurpose, List<string>> { [FixturePurpose.ReadOnly] = [], [FixturePurpose.Mutable] = [], [FixturePurpose.Sacrificial] = [] };
        if (errors.Mapping(fixtures, "anomalies", "fixtures.", required: true) is { } anomalies)
        {
            errors.RejectUnknown(anomalies, lists.Keys.Select(FixtureManifest.Key).ToArray(), "fixtures.anomalies.");
            var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var purpose in lists.Keys)
            {
                var key = FixtureManifest.Key(purpose);
                if (!anomalies.Children.TryGetValue(new YamlScalarNode(key), out var node))
                {
                    continue;
                }

                if (node is not YamlSequenceNode sequence)
                {
                    errors.Add(node, $"fixtures.anomalies.{key}", "must be a list of anomaly ids or UUIDs");
                    continue;
                }

                foreach (var item in sequence.Children)
                {
                    var text = (item as YamlScalarNode)?.Value?.Trim() ?? "";
                    if (!(long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0) && !Guid.TryParse(text, out _))
                    {
                        errors.Add(item, $"fixtures.anomalies.{key}", $"'{text}' is neither an anomaly id nor a UUID");
                    }
                    else if (!seen.TryAdd(text, key))
                    {
                        errors.Add(item, $"fixtures.anomalies.{key}", $"{text} is already listed under {seen[text]}; an anomaly has one purpose");
                    }
                    else
                    {
                        lists[purpose].Add(text);
                    }
                }
            }
        }

        var tags = new List<string>();
        if (fixtures.Children.TryGetValue(new YamlScalarNode("tags"), out var tagsNode))
        {
            foreach (var item in Items(tagsNode, "fixtures.tags", "must be a list of tag names of the target's catalogue", errors))
            {
                var name = (item as YamlScalarNode)?.Value?.Trim() ?? "";
                if (name.Length == 0 || tags.Contains(name, StringComparer.Ordinal))
                {
                    errors.Add(item, "fixtures.tags", name.Length == 0 ? "a tag name is empty" : $"'{name}' is listed twice");
                }
                else
                {
                    tags.Add(name);
                }
            }
        }

        var integrations = new List<long>();
        if (fixtures.Children.TryGetValue(new YamlScalarNode("integrations"), out var integrationsNode))
        {
            foreach (var item in Items(integrationsNode, "fixtures.integrations", "must be a list of integration ids", errors))
            {
                var text = (item as YamlScalarNode)?.Value?.Trim() ?? "";
                if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 && !integrations.Contains(id))
                {
                    integrations.Add(id);
                }
                else
                {
                    errors.Add(item, "fixtures.integrations", $"'{text}' is not a positive integration id, or is listed twice");
                }
            }
        }

        return new FixtureManifest
        {
            Tags = tags,
            Integrations = integrations,
            Users = users,
            ReadOnly = lists[FixturePurpose.ReadOnly],
            Mutable = lists[FixturePurpose.Mutable],
            Sacrificial = lists[FixturePurpose.Sacrificial],
        };
    }

    private static IEnumerable<YamlNode> Items(YamlNode node, string field, string problem, ProfileErrors errors)
    {
        if (node is YamlSequenceNode sequence)
        {
            return sequence.Children;
        }

        errors.Add(node, field, problem);
        return [];
    }

    /// <summary>Collects every problem of a profile, each with its line, so one run reports them all.</summary>
    private sealed class ProfileErrors(string path)
    {
        private readonly List<string> problems = [];

        public void Add(YamlNode node, string field, string problem) =>
            problems.Add($"{path}:{node.Start.Line}: {field}: {problem}");

        public void ThrowIfAny()
        {
            if (problems.Count > 0)
            {
                throw new ConfigurationException(string.Join(Environment.NewLine, problems));
            }
        }

        public void RejectUnknown(YamlMappingNode mapping, string[] known, string prefix)
        {
            foreach (var key in mapping.Children.Keys.OfType<YamlScalarNode>().Where(k => !known.Contains(k.Value)))
            {
                Add(key, prefix + key.Value, $"unknown field (known: {string.Join(", ", known)})");
            }
        }

        public YamlScalarNode? Scalar(YamlMappingNode mapping, string name, string prefix, bool required)
        {
            if (!mapping.Children.TryGetValue(new YamlScalarNode(name), out var node))
            {
                if (required)
                {
                    Add(mapping, prefix + name, "is required");
                }

                return null;
            }

            if (node is YamlScalarNode scalar && !string.IsNullOrWhiteSpace(scalar.Value))
            {
                return scalar;
            }

            Add(node, prefix + name, "must be a non-empty value");
            return null;
        }

        public YamlMappingNode? Mapping(YamlMappingNode mapping, string name, string prefix, bool required)
        {
            if (!mapping.Children.TryGetValue(new YamlScalarNode(name), out var node))
            {
                if (required)
                {
                    Add(mapping, prefix + name, "is required");
                }

                return null;
            }

            if (node is YamlMappingNode child)
            {
                return child;
            }

            Add(node, prefix + name, "must be a mapping");
            return null;
        }

        public double? Number(YamlMappingNode mapping, string name, string prefix, double min, double max)
        {
            if (Scalar(mapping, name, prefix, required: false) is not { } scalar)
            {
                return null;
            }

            if (double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            Add(scalar, prefix + name, $"must be a number from {min} to {max}");
            return null;
        }

        public string? Secret(YamlMappingNode mapping, string name, string prefix, Func<string, string?> environment, bool required)
        {
            if (!mapping.Children.TryGetValue(new YamlScalarNode(name), out var node))
            {
                if (required)
                {
                    Add(mapping, prefix + name, "is required");
                }

                return null;
            }

            return SecretValue(node, prefix + name, environment);
        }

        /// <summary>A secret given as {env: NAME}, {file: PATH} or {value: TEXT}; never echoed in an error.</summary>
        public string? SecretValue(YamlNode node, string field, Func<string, string?> environment)
        {
            if (node is not YamlMappingNode source || source.Children.Count != 1 || source.Children.Keys.Single() is not YamlScalarNode kind
                || source.Children.Values.Single() is not YamlScalarNode { Value: { Length: > 0 } reference })
            {
                Add(node, field, "must be one of {env: NAME}, {file: PATH}, {value: TEXT}");
                return null;
            }

            switch (kind.Value)
            {
                case "env":
                    var fromEnvironment = environment(reference);
                    if (string.IsNullOrEmpty(fromEnvironment))
                    {
                        Add(node, field, $"environment variable {reference} is not set");
                    }

                    return fromEnvironment;
                case "file":
                    var file = System.IO.Path.IsPathRooted(reference) ? reference : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path) ?? ".", reference);
                    if (!File.Exists(file))
                    {
                        Add(node, field, $"file {file} does not exist");
                        return null;
                    }

                    return File.ReadAllText(file).Trim();
                case "value":
                    return reference;
                default:
                    Add(kind, field, $"'{kind.Value}' is not a secret source (env, file or value)");
                    return null;
            }
        }
    }
}
