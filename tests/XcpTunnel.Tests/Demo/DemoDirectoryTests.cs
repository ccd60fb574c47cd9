using XcpTunnel.Cli;
using XcpTunnel.Demo;
using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.Demo;

/// <summary>Where <c>demo --config-out</c> may write: never over a configuration it did not write itself.</summary>
public sealed class DemoDirectoryTests
{
    [Fact]
    public void ConfigOut_DirectoryWithOtherFiles_IsRefusedNamingThem()
    {
        using var directory = TemporaryDirectory.Create("xcptunnel-demo-test-");
        File.WriteAllText(directory.File("lab.password"), "secret\n");

        var error = Assert.Throws<UsageException>(() => DemoDirectory.Open(directory.Path));

        Assert.Equal($"--config-out: {directory.Path} already holds lab.password; give a new or empty directory, or one an earlier demo wrote", error.Message);
    }

    [Fact]
    public void ConfigOut_ARealConfiguration_IsLeftAlone()
    {
        using var directory = TemporaryDirectory.Create("xcptunnel-demo-test-");
        var config = directory.File("xcptunnel.json");
        const string Real = """{ "Pools": { "lab": { "Url": "https://xcp01" } } }""";
        File.WriteAllText(config, Real);

        Assert.Throws<UsageException>(() => DemoDirectory.Open(directory.Path));
        Assert.Equal(Real, File.ReadAllText(config));
    }

    [Fact]
    public void ConfigOut_NewDirectory_IsMadeForTheUserOnlyAndKept()
    {
        using var parent = TemporaryDirectory.Create("xcptunnel-demo-test-");
        var path = parent.File("demo");

        using (var opened = DemoDirectory.Open(path))
        {
            Assert.True(opened.Kept);
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
    }

    [Fact]
    public void NoConfigOut_TemporaryDirectory_IsPrivateAndRemoved()
    {
        string path;
        using (var opened = DemoDirectory.Open(keepIn: null))
        {
            path = opened.Path;
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
        }

        Assert.False(Directory.Exists(path));
    }
}
