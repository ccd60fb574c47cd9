using System.Text;
using XcpTunnel.Simulator;

namespace XcpTunnel.Protocol.Tests.Simulator;

public sealed class ConnectConsoleTests
{
    private const string Ok200 = "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nCache-Control: no-cache, no-store\r\n\r\n";

    private static string ErrorHtml(string status, string body, string extra = "") =>
        $"{status}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nContent-Type: text/html\r\nConnection: close\r\n" +
        $"Cache-Control: no-cache, no-store\r\n{extra}\r\n{body}";

    [Fact]
    public async Task Connect_ValidSession_Replies200ByteExact_ThenRfbFromTheBackend()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("web01");
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        await client.SendAsync(SimulatorFixture.ConnectRequest(vm, session));

        Assert.Equal(Ok200, await client.ReadHeadAsync());
        Assert.Equal("RFB 003.008\n", Encoding.ASCII.GetString(await client.ReadExactlyAsync(12)));
        Assert.Equal(1, pool.Counters.ConnectsWithStatus(200));
    }

    [Fact]
    public async Task Connect_NoSession_Http10_Replies401EchoingTheVersion()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("web01");
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        await client.SendAsync($"CONNECT /console?uuid={vm.ConsoleUuid} HTTP/1.0\r\n\r\n");

        string expected = ErrorHtml("HTTP/1.0 401 Unauthorised",
            "<html><body><h1>HTTP 401 unauthorised</h1>Please check your credentials and retry.</body></html>",
            "WWW-Authenticate: Basic realm=\"connect_console\"\r\n");
        Assert.Equal(expected, Encoding.UTF8.GetString(await client.ReadToEndAsync()));
    }

    [Fact]
    public async Task Connect_UnknownConsole_Replies500WithHtml()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        await client.SendAsync($"CONNECT /console?uuid={Guid.NewGuid()} HTTP/1.1\r\nCookie: session_id={session}\r\n\r\n");

        string expected = ErrorHtml("HTTP/1.1 500 Internal Error",
            "<html><body><h1>HTTP 500 internal server error</h1>An unexpected error occurred; please wait a while and try again. " +
            "If the problem persists, please contact your support representative.<h1> Additional information </h1>Console.Failure</body></html>");
        Assert.Equal(expected, Encoding.UTF8.GetString(await client.ReadToEndAsync()));
    }

    [Fact]
    public async Task Connect_WhileSomeoneIsConnectedAndLimitOn_Replies503()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("web01");
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var first = await RawHostClient.ConnectAsync(pool.Hosts[0]);
        await first.SendAsync(SimulatorFixture.ConnectRequest(vm, session));
        Assert.Equal(Ok200, await first.ReadHeadAsync());
        pool.LimitConsoleSessions = true;

        await using var second = await RawHostClient.ConnectAsync(pool.Hosts[0]);
        await second.SendAsync(SimulatorFixture.ConnectRequest(vm, session));

        string expected = ErrorHtml("HTTP/1.0 503 Connection Limit Exceeded",
            "<html><body><h1>Connection Limit Exceeded</h1><p>User 'root' is currently connected to this console. " +
            "No new connections are allowed. Please check the limit_console_sessions config and try again later.</p></body></html>");
        Assert.Equal(expected, Encoding.UTF8.GetString(await second.ReadToEndAsync()));
    }

    [Fact]
    public async Task Connect_SessionInQuery_IsAccepted()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("web01");
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        await client.SendAsync($"CONNECT /console?uuid={vm.ConsoleUuid}&session_id={session} HTTP/1.0\r\n\r\n");

        Assert.Equal(Ok200, await client.ReadHeadAsync());
    }

    [Fact]
    public async Task Connect_SessionCookieNotFirst_IsNotSeen_Replies401()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("web01");
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        await client.SendAsync($"CONNECT /console?uuid={vm.ConsoleUuid} HTTP/1.0\r\nCookie: theme=dark; session_id={session}\r\n\r\n");

        Assert.StartsWith("HTTP/1.0 401 Unauthorised\r\n", await client.ReadHeadAsync());
    }

    [Fact]
    public async Task Connect_CookieWinsOverQuery()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("web01");
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        await client.SendAsync($"CONNECT /console?uuid={vm.ConsoleUuid}&session_id={session} HTTP/1.0\r\nCookie: session_id=OpaqueRef:bogus\r\n\r\n");

        Assert.StartsWith("HTTP/1.0 401 Unauthorised\r\n", await client.ReadHeadAsync());
    }

    [Fact]
    public async Task Connect_HeaderBlockOver1024Bytes_Replies431()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        await client.SendAsync($"CONNECT /console?uuid=x HTTP/1.0\r\nX-Padding: {new string('a', 1100)}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n", Encoding.ASCII.GetString(await client.ReadToEndAsync()));
    }

    [Fact]
    public async Task Connect_HeadNotCompleteInTime_Replies408()
    {
        await using var pool = await SimulatorFixture.StartAsync(headerTimeout: TimeSpan.FromMilliseconds(300));
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        await client.SendAsync("CONNECT /console?uuid=x HTTP/1.0\r\n");

        Assert.StartsWith("HTTP/1.1 408 Request Timeout\r\n", Encoding.ASCII.GetString(await client.ReadToEndAsync()));
    }

    [Fact]
    public async Task Connect_ReadOnlyUser_Replies403()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("web01");
        pool.AddUser("auditor", "pw", SimulatedRole.ReadOnly);
        string session = await RawHostClient.LoginAsync(pool.Hosts[0], "auditor", "pw");
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        await client.SendAsync(SimulatorFixture.ConnectRequest(vm, session, version: "1.1"));

        Assert.StartsWith("HTTP/1.1 403 Forbidden\r\n", await client.ReadHeadAsync());
    }

    [Fact]
    public async Task Connect_ToOldHostAfterMigration_Replies500_AndNewLocationWorks()
    {
        await using var pool = await SimulatorFixture.StartAsync(hostCount: 2);
        var vm = pool.AddVm("web01", residentOn: pool.Hosts[0]);
        string oldPath = new Uri(vm.ConsoleLocation!).PathAndQuery;
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);

        pool.Migrate(vm, pool.Hosts[1]);

        await using (var old = await RawHostClient.ConnectAsync(pool.Hosts[0]))
        {
            await old.SendAsync($"CONNECT /console?uuid={vm.Uuid} HTTP/1.0\r\nCookie: session_id={session}\r\n\r\n");
            Assert.StartsWith("HTTP/1.0 500 Internal Error\r\n", await old.ReadHeadAsync());
        }

        Assert.StartsWith($"https://127.0.0.2:{pool.Port}/console?uuid=", vm.ConsoleLocation);
        Assert.NotEqual(oldPath, new Uri(vm.ConsoleLocation!).PathAndQuery);
        await using var moved = await RawHostClient.ConnectAsync(pool.Hosts[1]);
        await moved.SendAsync(SimulatorFixture.ConnectRequest(vm, session));
        Assert.Equal(Ok200, await moved.ReadHeadAsync());
    }

    [Fact]
    public async Task Connect_BackendUnavailable_Replies200ThenEof()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("web01");
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        pool.Faults.BackendUnavailable = true;
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        await client.SendAsync(SimulatorFixture.ConnectRequest(vm, session));

        Assert.Equal(Ok200, await client.ReadHeadAsync());
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Connect_ByVmRefLocationForm_Works()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("dom0-like", locationForm: ConsoleLocationForm.Ref);
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        Assert.Contains("/console?ref=OpaqueRef:", vm.ConsoleLocation);
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        await client.SendAsync($"CONNECT /console?ref={vm.Ref} HTTP/1.0\r\nCookie: session_id={session}\r\n\r\n");

        Assert.Equal(Ok200, await client.ReadHeadAsync());
    }
}
