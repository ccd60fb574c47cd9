using XcpTunnel.Access;

namespace XcpTunnel.Tests.Access;

public sealed class PeerIdentityTests
{
    private static readonly Dictionary<string, (PeerIdentity Identity, string LogText, string UserText)> Cases = new()
    {
        ["named user"] = (PeerIdentity.User(1001, "alice", "127.0.0.1:45678"), "uid 1001 (alice) from 127.0.0.1:45678", "alice"),
        ["uid without name"] = (PeerIdentity.User(1234, null, "[::1]:40000"), "uid 1234 from [::1]:40000", "uid 1234"),
        ["name lookup failed"] = (
            PeerIdentity.User(1234, null, "unix pid 77", "no user name: getpwuid_r(1234): Input/output error"),
            "uid 1234 from unix pid 77 (no user name: getpwuid_r(1234): Input/output error)",
            "uid 1234"),
        ["remote"] = (PeerIdentity.Remote("192.0.2.7:51000"), "remote peer 192.0.2.7:51000", "a remote peer"),
        ["local, unknown"] = (
            PeerIdentity.Unknown("127.0.0.1:45678", isLocal: true, "the peer closed its socket"),
            "unknown local user from 127.0.0.1:45678 (the peer closed its socket)",
            "an unknown local user"),
        ["lookup failed"] = (
            PeerIdentity.Unknown("127.0.0.1:45678", isLocal: false, "sock_diag: Permission denied"),
            "unknown peer from 127.0.0.1:45678 (sock_diag: Permission denied)",
            "a remote peer"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ToStringAndDescribe_SayWhoInOnePhrase(string name)
    {
        var (identity, logText, userText) = Cases[name];

        Assert.Equal(logText, identity.ToString());
        Assert.Equal(userText, identity.Describe());
    }
}
