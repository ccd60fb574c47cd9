namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>A fresh directory under $TMPDIR for one peer's files, removed with everything in it on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    private TemporaryDirectory(string path) => Path = path;

    public string Path { get; }

    public static TemporaryDirectory Create(string prefix) => new(Directory.CreateTempSubdirectory(prefix).FullName);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A peer killed mid-write may leave a file behind; a stray temp directory must not fail the test.
        }
    }
}
