using XcpTunnel.Cli;
using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.Cli;

/// <summary>How the demo names the program in the lines it prints: the way that runs when pasted where it was started.</summary>
public sealed class SelfCommandTests
{
    [Fact]
    public void Launcher_RunFromTheClone_IsDotSlash()
    {
        using var clone = TemporaryDirectory.Create("xcptunnel-clone-");
        var launcher = Launcher(clone);

        Assert.Equal("./xcptunnel", SelfCommand.Describe(launcher, "/usr/bin/dotnet", "/x/xcptunnel.dll", clone.Path, "/usr/bin:/bin"));
    }

    [Fact]
    public void Launcher_LinkedOntoThePath_IsItsName()
    {
        using var clone = TemporaryDirectory.Create("xcptunnel-clone-");
        var launcher = Launcher(clone);
        using var bin = TemporaryDirectory.Create("xcptunnel-bin-");
        File.CreateSymbolicLink(bin.File("xcptunnel"), launcher);

        Assert.Equal("xcptunnel", SelfCommand.Describe(launcher, "/usr/bin/dotnet", "/x/xcptunnel.dll", "/", $"{bin.Path}:/usr/bin"));
    }

    [Fact]
    public void Launcher_ElsewhereWithAnotherXcptunnelOnThePath_IsItsFullPath()
    {
        using var clone = TemporaryDirectory.Create("xcptunnel-clone-");
        var launcher = Launcher(clone);
        using var bin = TemporaryDirectory.Create("xcptunnel-bin-");
        File.WriteAllText(bin.File("xcptunnel"), "an installed one");

        Assert.Equal(launcher, SelfCommand.Describe(launcher, "/usr/bin/dotnet", "/x/xcptunnel.dll", "/", bin.Path));
    }

    [Fact]
    public void BareBuild_IsDotnetAndTheAssembly()
    {
        Assert.Equal("dotnet '/a b/xcptunnel.dll'", SelfCommand.Describe(null, "/usr/share/dotnet/dotnet", "/a b/xcptunnel.dll", "/", "/usr/bin"));
    }

    private static string Launcher(TemporaryDirectory clone)
    {
        var path = clone.File("xcptunnel");
        File.WriteAllText(path, "#!/bin/sh\n");
        return path;
    }
}
