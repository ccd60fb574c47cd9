using XcpTunnel.Access;

namespace XcpTunnel.Tests.Access;

public sealed class UidMapTests
{
    [Theory]
    [InlineData(0u, true)]
    [InlineData(1001u, true)]
    [InlineData(65534u, true)]
    public void IsReal_InitialNamespace_TrustsEveryUid(uint uid, bool real)
    {
        var map = UidMap.Parse("         0          0 4294967295\n");

        Assert.Equal(real, UidMap.IsReal(uid, map));
    }

    [Theory]
    [InlineData(0u, true)]
    [InlineData(998u, true)]
    [InlineData(1001u, false)]
    [InlineData(65534u, false)]
    public void IsReal_PrivateUsers_OnlyTrustsMappedUids(uint uid, bool real)
    {
        // systemd's PrivateUsers=yes maps root and the service's user; everyone else reads as 65534.
        var map = UidMap.Parse("         0          0          1\n       998        998          1\n");

        Assert.Equal(real, UidMap.IsReal(uid, map));
    }

    [Theory]
    [InlineData(1001u, true)]
    [InlineData(65534u, false)]
    public void IsReal_MapUnreadable_OnlyDoubtsTheOverflowUid(uint uid, bool real) =>
        Assert.Equal(real, UidMap.IsReal(uid, map: null));

    [Theory]
    [InlineData("0 0")]
    [InlineData("0 zero 1")]
    [InlineData("-1 0 1")]
    public void Parse_NotAUidMap_IsNull(string text) => Assert.Null(UidMap.Parse(text));

    [Fact]
    public void IsReal_OurOwnUid_IsTrueInWhateverNamespaceWeRun() => Assert.True(UidMap.IsReal((uint)ThisProcess.Uid));
}
