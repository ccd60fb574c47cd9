using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using XcpTunnel.Configuration;
using XcpTunnel.Interop;
using XcpTunnel.Protocol.Tls;

namespace XcpTunnel.Cli;

/// <summary>
/// Sets one pool's <c>TlsFingerprint</c> in a configuration file and changes nothing else: every
/// other value and the order of keys stay; the file is replaced atomically (temp file + rename in
/// the same directory) with its mode, owner and group kept, so the daemon never reads half a file and can
/// still read the new one.
/// </summary>
internal static class ConfigPinWriter
{
    private const string Pools = "Pools";
    private const string TlsFingerprint = "TlsFingerprint";

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        // Paths and names stay readable: only what JSON requires is escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Whether <paramref name="pool"/> can be pinned in <paramref name="configPath"/>, asked before the host is: a
    /// typo in <c>--pool</c> must not cost a TLS connection, nor look like the host's fault.
    /// </summary>
    /// <exception cref="CommandFailedException">As <see cref="Write"/> would throw it.</exception>
    public static void Check(string configPath, string pool) => _ = Locate(configPath, pool, example: null);

    /// <summary>Writes the pin and returns the value it replaced, if any.</summary>
    /// <exception cref="CommandFailedException">The file is not JSON, has no such pool, or the pool trusts by CaFile or Insecure.</exception>
    public static string? Write(string configPath, string pool, CertificateFingerprint fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        var (path, text, root, entry) = Locate(configPath, pool, fingerprint.ToString());
        var key = entry.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, TlsFingerprint, StringComparison.OrdinalIgnoreCase)) ?? TlsFingerprint;
        var previous = entry[key]?.GetValueKind() == JsonValueKind.String ? entry[key]!.GetValue<string>() : null;

        // Assigning an existing key replaces its value where it stands; a new key goes last.
        entry[key] = fingerprint.ToString();
        var rewritten = root.ToJsonString(WriteOptions) + (text.EndsWith('\n') ? "\n" : string.Empty);
        ReplaceAtomically(path, Encoding.UTF8.GetBytes(rewritten));
        return previous;
    }

    /// <summary>The file (the target of a symbolic link, not the link), its text and JSON, and the pool's entry in it.</summary>
    private static (string Path, string Text, JsonNode Root, JsonObject Entry) Locate(string configPath, string pool, string? example)
    {
        var path = new FileInfo(configPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(configPath);
        if (!File.Exists(path))
        {
            throw new UsageException($"--config: {configPath} does not exist; --write pins a pool of an existing configuration");
        }

        var text = File.ReadAllText(path);
        JsonNode? root;
        try
        {
            // Comments would be lost on rewrite: refuse them (the default) rather than drop them.
            root = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new CommandFailedException(
                $"cannot rewrite {configPath} ({ex.Message}); add \"{TlsFingerprint}\": \"{example ?? "…"}\" under {Pools}:{pool} by hand");
        }

        if (Member(Member(root as JsonObject, Pools) as JsonObject, pool) is not JsonObject entry)
        {
            throw new UsageException($"--pool: {configPath} has no pool named '{pool}' under {Pools}; add the pool first");
        }

        RefuseOtherTrust(entry, configPath, pool);
        return (path, text, root!, entry);
    }

    private static void RefuseOtherTrust(JsonObject entry, string configPath, string pool)
    {
        var caFile = Member(entry, "CaFile");
        if (caFile?.GetValueKind() == JsonValueKind.String && !string.IsNullOrWhiteSpace(caFile.GetValue<string>()))
        {
            throw new CommandFailedException(
                $"pool {pool} in {configPath} already trusts its hosts through CaFile, and a pool has one way to trust; remove CaFile to pin instead");
        }

        var insecure = Member(entry, "Insecure");
        if (insecure?.GetValueKind() == JsonValueKind.True
            || (insecure?.GetValueKind() == JsonValueKind.String && string.Equals(insecure.GetValue<string>().Trim(), "true", StringComparison.OrdinalIgnoreCase)))
        {
            throw new CommandFailedException(
                $"pool {pool} in {configPath} has Insecure: true, and a pool has one way to trust; remove Insecure to pin instead");
        }
    }

    /// <summary>Configuration keys are case-insensitive, so this lookup is too.</summary>
    private static JsonNode? Member(JsonObject? node, string name) =>
        node?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    // The new file keeps the old one's mode, owner and group (root:xcptunnel 0640 for the packaged file, which the
    // daemon reads by group); it is root's until given them.
    private static void ReplaceAtomically(string path, byte[] content)
    {
        var original = UnixFiles.Status(path);
        AtomicFile.Replace(path, content, mode: null, temporary =>
        {
            if (original is { } owner)
            {
                UnixFiles.ChangeOwner(temporary, owner.Uid, owner.Gid);
            }
        });
    }
}
