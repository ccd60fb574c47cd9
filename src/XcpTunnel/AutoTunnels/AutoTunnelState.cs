using System.Text.Json;
using System.Text.Json.Serialization;
using XcpTunnel.Interop;
using XcpTunnel.Protocol;

namespace XcpTunnel.AutoTunnels;

/// <summary>
/// What a pool's generated tunnels must remember across restarts, in <c>&lt;state directory&gt;/auto-tunnels-&lt;pool&gt;.json</c>:
/// each VM's port (kept while the VM exists, so no other VM gets it), its last name, and whether it had a tunnel, so
/// the tunnels of the last run listen again as soon as the daemon starts, before the pool has answered.
/// </summary>
internal sealed class AutoTunnelState
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private AutoTunnelState(string path, Dictionary<string, AutoTunnelEntry> vms)
    {
        Path = path;
        Vms = vms;
    }

    public string Path { get; }

    /// <summary>By VM UUID (lower case).</summary>
    public Dictionary<string, AutoTunnelEntry> Vms { get; }

    public static string PathFor(string directory, string pool) => System.IO.Path.Combine(directory, $"auto-tunnels-{pool}.json");

    /// <summary>Reads the file, or starts empty when there is none yet.</summary>
    /// <exception cref="AutoTunnelStateException">The file cannot be read or is not what this daemon wrote; it is left as it is.</exception>
    public static AutoTunnelState Load(string path)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new AutoTunnelState(path, new Dictionary<string, AutoTunnelEntry>(StringComparer.Ordinal));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AutoTunnelStateException($"cannot read {path}: {ex.Message}", ex);
        }

        AutoTunnelFile? file;
        try
        {
            file = JsonSerializer.Deserialize(json, AutoTunnelJsonContext.Default.AutoTunnelFile);
        }
        catch (JsonException ex)
        {
            throw Corrupt(path, ex.Message, ex);
        }

        var vms = new Dictionary<string, AutoTunnelEntry>(StringComparer.Ordinal);
        var ports = new Dictionary<int, string>();
        foreach (var (uuid, entry) in file?.Vms ?? throw Corrupt(path, "it has no \"vms\"", null))
        {
            if (entry is null || entry.Name is null || entry.Port is < 1 or > 65535)
            {
                throw Corrupt(path, $"the entry of VM {uuid} is incomplete or its port is not 1-65535", null);
            }

            if (entry.Port is { } port && !ports.TryAdd(port, uuid))
            {
                throw Corrupt(path, $"port {port} is given to both VM {ports[port]} and VM {uuid}", null);
            }

            vms[uuid.ToLowerInvariant()] = entry;
        }

        return new AutoTunnelState(path, vms);
    }

    /// <summary>Writes the file whole (or not at all: the previous one stays), making its directory if need be.</summary>
    /// <exception cref="IOException">It could not be written.</exception>
    public void Save()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var file = new AutoTunnelFile { Vms = new SortedDictionary<string, AutoTunnelEntry?>(Vms.ToDictionary(v => v.Key, v => (AutoTunnelEntry?)v.Value), StringComparer.Ordinal) };
        AtomicFile.Replace(Path, JsonSerializer.SerializeToUtf8Bytes(file, AutoTunnelJsonContext.Default.AutoTunnelFile), OwnerOnly);
    }

    // Nothing is thrown away: the file stays for the user to mend, or to move aside, which gives every VM a new port.
    private static AutoTunnelStateException Corrupt(string path, string what, Exception? inner) =>
        new($"{path} is not a valid state file ({what}); it keeps the ports of generated tunnels: mend it, or move it away to give every VM a new port", inner);
}

/// <summary>One VM in the state file.</summary>
internal sealed record AutoTunnelEntry
{
    /// <summary>Its name-label when last seen.</summary>
    public string? Name { get; init; }

    /// <summary>Its port, kept while the VM exists; null for unix sockets, or while the range has no free port.</summary>
    public int? Port { get; init; }

    /// <summary>Whether it had a generated tunnel when last seen (matched, and no hand-written tunnel names it).</summary>
    public bool Tunnel { get; init; }
}

/// <summary>The state file as written.</summary>
internal sealed class AutoTunnelFile
{
    public IDictionary<string, AutoTunnelEntry?>? Vms { get; set; }
}

/// <summary>The state file could not be read, or was not what the daemon writes.</summary>
internal sealed class AutoTunnelStateException(string message, Exception? innerException)
    : XcpTunnelException(message, innerException);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AutoTunnelFile))]
internal sealed partial class AutoTunnelJsonContext : JsonSerializerContext;
