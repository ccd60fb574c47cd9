using System.Text.Json;
using System.Text.RegularExpressions;
using XcpTunnel.Simulator;

namespace XcpTunnel.Protocol.Tests.Simulator;

public sealed partial class RpcWireTests
{
    [GeneratedRegex("^OpaqueRef:[0-9a-f-]{36}$")]
    private static partial Regex OpaqueRef();

    [Fact]
    public async Task JsonRpcV1_LoginAndGetByNameLabel_HaveV1Shapes()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("web01");
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        (string head, string login) = await client.PostAsync("/jsonrpc",
            """{"method":"session.login_with_password","params":["root","xenroot","2.21","tests"],"id":7}""");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head);
        using JsonDocument loginDoc = JsonDocument.Parse(login);
        string session = loginDoc.RootElement.GetProperty("result").GetString()!;
        Assert.Matches(OpaqueRef(), session);
        Assert.Equal($$"""{"result":"{{session}}","error":null,"id":7}""", login);

        // Same connection: keep-alive.
        (_, string found) = await client.PostAsync("/jsonrpc",
            $$"""{"method":"VM.get_by_name_label","params":["{{session}}","web01"],"id":"a"}""");
        Assert.Equal($$"""{"result":["{{vm.Ref}}"],"error":null,"id":"a"}""", found);

        (_, string failed) = await client.PostAsync("/jsonrpc",
            """{"method":"VM.get_by_name_label","params":["OpaqueRef:nope","web01"],"id":8}""");
        Assert.Equal("""{"result":null,"error":["SESSION_INVALID","OpaqueRef:nope"],"id":8}""", failed);
    }

    [Fact]
    public async Task JsonRpcV2_SuccessAndFailure_HaveV2Shapes()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        pool.AddVm("web01");
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        (_, string ok) = await client.PostAsync("/jsonrpc",
            $$"""{"jsonrpc":"2.0","method":"VM.get_by_name_label","params":["{{session}}","nothing"],"id":1}""");
        Assert.Equal("""{"jsonrpc":"2.0","result":[],"id":1}""", ok);

        (_, string fail) = await client.PostAsync("/jsonrpc",
            $$"""{"jsonrpc":"2.0","method":"VM.get_by_uuid","params":["{{session}}","nope"],"id":2}""");
        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":1,"message":"UUID_INVALID","data":["VM","nope"]},"id":2}""", fail);
    }

    [Fact]
    public async Task XmlRpc_LoginAndGetByNameLabel_AreStatusStructsWithBareStrings()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("web01");
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        (_, string login) = await client.PostAsync("/",
            "<?xml version=\"1.0\"?><methodCall><methodName>session.login_with_password</methodName><params>" +
            "<param><value><string>root</string></value></param><param><value>xenroot</value></param>" +
            "<param><value>2.21</value></param><param><value>tests</value></param></params></methodCall>");
        string session = Regex.Match(login, "<name>Value</name><value>(OpaqueRef:[^<]+)</value>").Groups[1].Value;
        Assert.Matches(OpaqueRef(), session);
        Assert.Contains("<member><name>Status</name><value>Success</value></member>", login);
        Assert.DoesNotContain("<string>", login);

        (_, string found) = await client.PostAsync("/RPC2",
            "<methodCall><methodName>VM.get_by_name_label</methodName><params>" +
            $"<param><value>{session}</value></param><param><value>web01</value></param></params></methodCall>");
        Assert.Equal(
            "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>" +
            "<member><name>Status</name><value>Success</value></member>" +
            $"<member><name>Value</name><value><array><data><value>{vm.Ref}</value></data></array></value></member>" +
            "</struct></value></param></params></methodResponse>", found);

        (_, string record) = await client.PostAsync("/",
            "<methodCall><methodName>VM.get_record</methodName><params>" +
            $"<param><value>{session}</value></param><param><value>{vm.Ref}</value></param></params></methodCall>");
        Assert.Contains("<member><name>domid</name><value>1</value></member>", record);
        Assert.Contains("<member><name>is_a_template</name><value><boolean>0</boolean></value></member>", record);
    }

    [Fact]
    public async Task XmlRpc_Failure_IsAStructNeverAFault()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        (_, string reply) = await client.PostAsync("/", "<methodCall><methodName>VM.frobnicate</methodName><params/></methodCall>");

        Assert.Contains("<member><name>Status</name><value>Failure</value></member><member><name>ErrorDescription</name>" +
            "<value><array><data><value>MESSAGE_METHOD_UNKNOWN</value><value>VM.frobnicate</value></data></array></value></member>", reply);
        Assert.DoesNotContain("<fault>", reply);
    }

    [Fact]
    public async Task Login_OnAPoolMember_FailsWithHostIsSlave()
    {
        await using var pool = await SimulatorFixture.StartAsync(hostCount: 2);
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[1]);

        (_, string reply) = await client.PostAsync("/jsonrpc",
            """{"method":"session.login_with_password","params":["root","xenroot"],"id":1}""");

        Assert.Equal("""{"result":null,"error":["HOST_IS_SLAVE","127.0.0.1"],"id":1}""", reply);
    }

    [Fact]
    public async Task Login_BadPassword_FailsWithAuthenticationFailed()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        (_, string reply) = await client.PostAsync("/jsonrpc",
            """{"method":"session.login_with_password","params":["root","wrong","2.21","t"],"id":1}""");

        Assert.Equal("""{"result":null,"error":["SESSION_AUTHENTICATION_FAILED","root","Authentication failure"],"id":1}""", reply);
        Assert.Equal(1, pool.Counters.FailedLogins);
    }

    [Fact]
    public async Task JsonRpcDisabled_XmlRpcHandlerAnswers200TextXml()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        pool.Hosts[0].JsonRpcEnabled = false;
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        (string head, string body) = await client.PostAsync("/jsonrpc", """{"method":"session.login_with_password","params":[],"id":1}""");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head);
        Assert.Contains("Content-Type: text/xml\r\n", head);
        Assert.Contains("<name>Status</name><value>Failure</value>", body);
    }

    [Fact]
    public async Task ExpireAllSessions_MakesCallsFailWithSessionInvalid()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        pool.ExpireAllSessions();
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        (_, string reply) = await client.PostAsync("/jsonrpc", $$"""{"method":"VM.get_all","params":["{{session}}"],"id":1}""");

        Assert.Equal($$"""{"result":null,"error":["SESSION_INVALID","{{session}}"],"id":1}""", reply);
        Assert.Equal(0, pool.Counters.LiveSessions);
    }

    [Fact]
    public async Task EventFrom_EmptyTokenListsObjects_ThenBlocksUntilAChange()
    {
        await using var pool = await SimulatorFixture.StartAsync(hostCount: 2);
        var vm = pool.AddVm("web01");
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        (_, string first) = await client.PostAsync("/jsonrpc",
            $$"""{"jsonrpc":"2.0","method":"event.from","params":["{{session}}",["VM","console"],"",5.0],"id":1}""");
        using JsonDocument firstDoc = JsonDocument.Parse(first);
        JsonElement result = firstDoc.RootElement.GetProperty("result");
        Assert.Equal(3, result.GetProperty("events").GetArrayLength()); // the VM and its vt100 and rfb consoles
        Assert.All(result.GetProperty("events").EnumerateArray(), e => Assert.Equal("add", e.GetProperty("operation").GetString()));
        string token = result.GetProperty("token").GetString()!;

        Task<(string Head, string Body)> waiting = client.PostAsync("/jsonrpc",
            $$"""{"jsonrpc":"2.0","method":"event.from","params":["{{session}}",["VM"],"{{token}}",5.0],"id":2}""");
        // Once the pool has the call, nothing has changed since the token: only a change may answer it (the 5 s
        // timeout is far off), so the reply must carry the migration made after it.
        using (var deadline = new CancellationTokenSource(RawHostClient.Timeout))
        {
            while (pool.Counters.Calls("event.from") < 2)
            {
                await Task.Delay(10, deadline.Token);
            }
        }

        Assert.False(waiting.IsCompleted);
        pool.Migrate(vm, pool.Hosts[1]);

        (_, string second) = await waiting.WaitAsync(RawHostClient.Timeout);
        using JsonDocument secondDoc = JsonDocument.Parse(second);
        JsonElement last = secondDoc.RootElement.GetProperty("result").GetProperty("events").EnumerateArray().Last();
        Assert.Equal("vm", last.GetProperty("class").GetString());
        Assert.Equal("mod", last.GetProperty("operation").GetString());
        Assert.Equal(pool.Hosts[1].Ref, last.GetProperty("snapshot").GetProperty("resident_on").GetString());
    }

    [Fact]
    public async Task EventFrom_TagsAreModsWithTheRecord_DelCarriesNoSnapshot()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("web01", powerState: SimulatedPowerState.Halted);
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);
        (_, string injected) = await client.PostAsync("/jsonrpc", $$"""{"method":"event.inject","params":["{{session}}","VM","{{vm.Ref}}"],"id":1}""");
        string token = JsonDocument.Parse(injected).RootElement.GetProperty("result").GetString()!;

        pool.AddTag(vm, "console");
        pool.Destroy(vm);
        (_, string changes) = await client.PostAsync("/jsonrpc",
            $$"""{"jsonrpc":"2.0","method":"event.from","params":["{{session}}",["VM"],"{{token}}",5.0],"id":2}""");

        using JsonDocument doc = JsonDocument.Parse(changes);
        JsonElement[] events = [.. doc.RootElement.GetProperty("result").GetProperty("events").EnumerateArray()];
        Assert.Equal(["mod", "del"], events.Select(e => e.GetProperty("operation").GetString()));
        Assert.Equal(["console"], events[0].GetProperty("snapshot").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.False(events[1].TryGetProperty("snapshot", out _));
    }

    [Fact]
    public async Task ConsoleRecords_ListVt100First_AndRfbWithItsLocation()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("web01");
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        (_, string consoles) = await client.PostAsync("/jsonrpc", $$"""{"method":"VM.get_consoles","params":["{{session}}","{{vm.Ref}}"],"id":1}""");
        using JsonDocument doc = JsonDocument.Parse(consoles);
        string[] refs = doc.RootElement.GetProperty("result").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal([vm.Vt100ConsoleRef!, vm.ConsoleRef!], refs);

        (_, string record) = await client.PostAsync("/jsonrpc", $$"""{"method":"console.get_record","params":["{{session}}","{{vm.ConsoleRef}}"],"id":2}""");
        using JsonDocument recordDoc = JsonDocument.Parse(record);
        JsonElement r = recordDoc.RootElement.GetProperty("result");
        Assert.Equal("rfb", r.GetProperty("protocol").GetString());
        Assert.Equal($"https://127.0.0.1:{pool.Port}/console?uuid={vm.ConsoleUuid}", r.GetProperty("location").GetString());
        Assert.Equal(vm.Ref, r.GetProperty("VM").GetString());
    }

    [Fact]
    public async Task WrongParameterCount_FailsWithCountMismatch()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0]);

        (_, string reply) = await client.PostAsync("/jsonrpc", $$"""{"method":"VM.get_record","params":["{{session}}"],"id":1}""");

        Assert.Equal("""{"result":null,"error":["MESSAGE_PARAMETER_COUNT_MISMATCH","VM.get_record","2","1"],"id":1}""", reply);
    }
}
