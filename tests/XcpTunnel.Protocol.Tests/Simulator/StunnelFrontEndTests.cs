using System.Net.Security;
using System.Security.Cryptography;
using System.Text;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Streams;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Rpc;
using XcpTunnel.Protocol.Xapi.Sessions;
using XcpTunnel.Simulator;

namespace XcpTunnel.Protocol.Tests.Simulator;

/// <summary>
/// The pool behind a real stunnel configured as xapi configures its own (docs/xapi-console-protocol.md, "The TLS front
/// end"): what the library does against the simulator's own TLS must work against stunnel's too.
/// </summary>
public sealed class StunnelFrontEndTests
{
    private const int BulkBytes = 32 * 1024 * 1024;

    [Fact]
    public void Install_LeavesNoStunnelServiceEnabled()
    {
        RealPeers.Require("stunnel4", "stunnel4");

        // The package enables stunnel.target and ships an init script; test.sh turns both off. Tests start their own.
        Assert.False(File.Exists("/etc/systemd/system/multi-user.target.wants/stunnel.target"), "stunnel.target is enabled");
        Assert.Empty(Directory.Exists("/etc/rc2.d") ? Directory.GetFiles("/etc/rc2.d", "S*stunnel*") : []);
    }

    [Theory]
    [InlineData(XapiTransport.JsonRpc)]
    [InlineData(XapiTransport.XmlRpc)]
    public async Task Rpc_ThroughStunnel_BothTransports(XapiTransport transport)
    {
        await using var front = await StartAsync(hosts: 2);
        var vm = front.Pool.AddVm("web01", residentOn: front.Pool.Hosts[1]);
        await using var session = Session(front, transport);

        var records = await session.GetAllVmRecordsAsync(CancellationToken.None).Bounded();

        Assert.Equal(vm.Uuid, Assert.Single(records).Uuid);
        // stunnel told xapi who the client is, in a PROXY line on every connection.
        Assert.NotEmpty(front.Pool.Counters.ProxiedClients);
        Assert.All(front.Pool.Counters.ProxiedClients, client => Assert.Equal("127.0.0.1", client));
    }

    [Fact]
    public async Task Console_ThroughStunnel_RfbFromTheBackend()
    {
        await using var front = await StartAsync(hosts: 2);
        front.Pool.AddVm("web01", residentOn: front.Pool.Hosts[1]);
        front.Pool.AddVm("pv01", backend: ConsoleBackend.Vncterm());
        await using var session = Session(front, XapiTransport.Auto);
        var dialer = new ConsoleDialer(session);

        await using (var qemu = await dialer.DialAsync("web01", CancellationToken.None).Bounded())
        {
            Assert.Equal("RFB 003.008\n", await ReadAsync(qemu.Stream, 12));
        }

        await using var vncterm = await dialer.DialAsync("pv01", CancellationToken.None).Bounded();
        Assert.Equal("RFB 003.003\n", await ReadAsync(vncterm.Stream, 12));
    }

    [Fact]
    public async Task BulkData_BothWaysAtOnce_ArrivesIntact()
    {
        await using var front = await StartAsync(hosts: 1, backend: ConsoleBackend.Custom(EchoAsync));
        await using var session = Session(front, XapiTransport.Auto);
        await using var console = await new ConsoleDialer(session).DialAsync("bulk01", CancellationToken.None).Bounded();
        var sent = RandomNumberGenerator.GetBytes(BulkBytes);

        var upload = Task.Run(async () =>
        {
            for (var offset = 0; offset < sent.Length; offset += 64 * 1024)
            {
                await console.Stream.WriteAsync(sent.AsMemory(offset, Math.Min(64 * 1024, sent.Length - offset)));
            }

            await console.Stream.FlushAsync();
        });
        var received = new byte[BulkBytes];
        await console.Stream.ReadExactlyAsync(received).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        await upload.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(SHA256.HashData(sent), SHA256.HashData(received));
    }

    [Fact]
    public async Task HalfClose_ThroughStunnel_TheBackendSeesEofAndStillAnswers()
    {
        await using var front = await StartAsync(hosts: 1, backend: ConsoleBackend.Custom(CountUntilEofAsync));
        await using var session = Session(front, XapiTransport.Auto);
        await using var console = await new ConsoleDialer(session).DialAsync("bulk01", CancellationToken.None).Bounded();

        await console.Stream.WriteAsync("hello"u8.ToArray());
        await console.Stream.FlushAsync();
        // What the splice does when the viewer half-closes: close_notify, reading on.
        var tls = Assert.IsType<SslStream>(((PrefixedStream)console.Stream).Inner);
        await tls.ShutdownAsync().WaitAsync(TestTimeouts.Default);

        Assert.Equal("got 5\n", await ReadToEndAsync(console.Stream));
    }

    private static async Task<StunnelFrontEnd> StartAsync(int hosts, ConsoleBackend? backend = null)
    {
        var front = await StunnelFrontEnd.StartAsync(port => new SimulatedPoolOptions
        {
            HostCount = hosts,
            Password = PoolFixture.Password,
            BehindProxy = true,
            PublicPort = port,
            LoginFailureDelay = TimeSpan.FromMilliseconds(50),
        });
        if (backend is not null)
        {
            front.Pool.AddVm("bulk01", backend: backend);
        }

        return front;
    }

    private static XapiPoolSession Session(StunnelFrontEnd front, XapiTransport transport) => new(new XapiPoolOptions
    {
        Name = "lab",
        Url = front.Pool.CoordinatorUrl,
        UserName = "root",
        Password = new XapiPassword(PoolFixture.Password),
        Trust = TlsTrustPolicy.Pinned([CertificateFingerprint.Of(front.Pool.Coordinator.Certificate)]),
        Transport = transport,
    });

    private static async Task EchoAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private static async Task CountUntilEofAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes($"got {total}\n"), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    private static async Task<string> ReadAsync(Stream stream, int count)
    {
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes).AsTask().Bounded();
        return Encoding.ASCII.GetString(bytes);
    }

    private static async Task<string> ReadToEndAsync(Stream stream)
    {
        using var all = new MemoryStream();
        await stream.CopyToAsync(all).Bounded();
        return Encoding.ASCII.GetString(all.ToArray());
    }
}
