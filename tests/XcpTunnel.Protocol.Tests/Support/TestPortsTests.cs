using System.Net;
using System.Net.Sockets;

namespace XcpTunnel.Protocol.Tests.Support;

/// <summary>The port helper the end-to-end tests rely on: a start that lost its port to another process is tried again.</summary>
public sealed class TestPortsTests
{
    [Fact]
    public async Task Binding_PortTakenBeforeTheBind_PicksAgainAndStarts()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var tried = new List<int>();

        using var bound = await TestPorts.BindingAsync(() =>
        {
            // The first pick is the port someone else took meanwhile.
            var port = tried.Count == 0 ? taken : TestPorts.Free();
            tried.Add(port);
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return Task.FromResult(new DisposableListener(listener));
        });

        Assert.Equal(2, tried.Count);
        Assert.Equal(tried[1], ((IPEndPoint)bound.Listener.LocalEndpoint).Port);
    }

    [Fact]
    public async Task Binding_AnyOtherFailure_IsNotRetried()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => TestPorts.BindingAsync<int>(() =>
        {
            attempts++;
            throw new InvalidOperationException("the program exited: bad configuration");
        }));

        Assert.Equal(1, attempts);
    }

    private sealed record DisposableListener(TcpListener Listener) : IDisposable
    {
        public void Dispose() => Listener.Dispose();
    }
}
