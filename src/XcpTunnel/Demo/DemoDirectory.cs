using System.Text.Json;
using System.Text.Json.Nodes;
using XcpTunnel.Cli;

namespace XcpTunnel.Demo;

/// <summary>
/// The private directory the demo writes its configuration into: a fresh one only the user can enter, removed when
/// the demo stops, or the one <c>--config-out</c> names, kept. A kept directory is reused only when it holds nothing
/// but an earlier demo's files, so a real configuration is never overwritten.
/// </summary>
internal sealed class DemoDirectory : IDisposable
{
    public const string ConfigFileName = "xcptunnel.json";

    public const string PasswordFileName = "demo.password";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private DemoDirectory(string path, bool kept)
    {
        Path = path;
        Kept = kept;
    }

    public string Path { get; }

    /// <summary>Whether the directory stays after the demo (<c>--config-out</c>).</summary>
    public bool Kept { get; }

    public string ConfigPath => System.IO.Path.Combine(Path, ConfigFileName);

    public string PasswordPath => System.IO.Path.Combine(Path, PasswordFileName);

    /// <param name="keepIn">The <c>--config-out</c> directory, or null for a temporary one.</param>
    /// <exception cref="UsageException"><paramref name="keepIn"/> holds something the demo did not write.</exception>
    public static DemoDirectory Open(string? keepIn)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("xcptunnel runs on Linux");
        }

        if (keepIn is null)
        {
            // Mode 0700, like every directory CreateTempSubdirectory makes on Unix.
            return new DemoDirectory(Directory.CreateTempSubdirectory("xcptunnel-demo-").FullName, kept: false);
        }

        var path = System.IO.Path.GetFullPath(keepIn);
        if (File.Exists(path))
        {
            throw new UsageException($"--config-out: {path} is a file; give a directory");
        }

        if (Directory.Exists(path))
        {
            RefuseForeignContent(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnly);
        }

        return new DemoDirectory(path, kept: true);
    }

    public void Dispose()
    {
        if (Kept)
        {
            return;
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Something else holds a file in it; /tmp is cleaned eventually, and it contains nothing that outlives the pool.
        }
    }

    private static void RefuseForeignContent(string path)
    {
        var foreign = Directory.EnumerateFileSystemEntries(path)
            .Select(System.IO.Path.GetFileName)
            .Where(name => name is not (ConfigFileName or PasswordFileName))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (foreign.Count > 0)
        {
            throw new UsageException(
                $"--config-out: {path} already holds {string.Join(", ", foreign)}; give a new or empty directory, or one an earlier demo wrote");
        }

        var config = System.IO.Path.Combine(path, ConfigFileName);
        if (File.Exists(config) && !IsDemoConfiguration(config))
        {
            throw new UsageException($"--config-out: {config} is not a configuration the demo wrote, so it is left alone; give another directory");
        }
    }

    private static bool IsDemoConfiguration(string config)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(config))?["Pools"] is JsonObject pools
                && pools.Select(p => p.Key).SequenceEqual([DemoPool.PoolName]);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
