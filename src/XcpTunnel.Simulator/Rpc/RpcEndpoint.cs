using Microsoft.Extensions.Logging;
using XcpTunnel.Simulator.Http;
using XcpTunnel.Simulator.Logging;

namespace XcpTunnel.Simulator.Rpc;

/// <summary>Which RPC wire format a request path selects.</summary>
internal enum RpcTransport
{
    /// <summary><c>POST /jsonrpc</c>.</summary>
    Json,

    /// <summary><c>POST /</c> and <c>POST /RPC2</c>.</summary>
    Xml,
}

/// <summary>Turns one RPC request body into the complete HTTP reply, through the shared dispatcher.</summary>
internal sealed class RpcEndpoint(PoolContext pool)
{
    /// <summary>xapi's request body limit.</summary>
    public const int MaxBodyBytes = 300 * 1024;

    private readonly RpcDispatcher _dispatcher = new(pool);

    /// <summary>The reply bytes, or null when a fault says to drop the connection without one.</summary>
    public async Task<byte[]?> HandleAsync(SimulatedHost host, HttpRequestHead head, RpcTransport transport, byte[] body, CancellationToken cancellationToken)
    {
        if (pool.Faults.TryTakeRpcDrop())
        {
            return null;
        }

        TimeSpan delay = pool.Faults.RpcDelay;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, pool.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        if (host.StillBooting)
        {
            string[] booting = [XapiErrors.HostStillBooting];
            SimulatorLog.RpcCall(pool.Logger, host.NameLabel, "(before dispatch)", XapiErrors.HostStillBooting);
            return transport == RpcTransport.Json
                ? HttpResponses.RpcOk(head, "application/json", JsonRpcCodec.FailureBeforeDispatch(booting, pool.Options.Version != SimulatedXapiVersion.XcpNg82))
                : HttpResponses.RpcOk(head, "text/xml", XmlRpcCodec.Failure(booting));
        }

        return transport == RpcTransport.Json
            ? await HandleJsonAsync(host, head, body, cancellationToken).ConfigureAwait(false)
            : await HandleXmlAsync(host, head, body, cancellationToken).ConfigureAwait(false);
    }

    private async Task<byte[]> HandleJsonAsync(SimulatedHost host, HttpRequestHead head, byte[] body, CancellationToken cancellationToken)
    {
        JsonRpcRequest? request = JsonRpcCodec.TryParse(body);
        if (request is null)
        {
            return HttpResponses.InternalError(head.ReplyVersion, "The JSON-RPC request could not be parsed.");
        }

        (object? result, IReadOnlyList<string>? failure) = await CallAsync(host, request.Method, request.Params, cancellationToken).ConfigureAwait(false);
        byte[] reply = failure is null ? JsonRpcCodec.Success(request, result) : JsonRpcCodec.Failure(request, failure);
        return HttpResponses.RpcOk(head, "application/json", reply);
    }

    private async Task<byte[]> HandleXmlAsync(SimulatedHost host, HttpRequestHead head, byte[] body, CancellationToken cancellationToken)
    {
        XmlRpcRequest? request = XmlRpcCodec.TryParse(body);
        if (request is null)
        {
            // The XML-RPC handler answers what it cannot read (a JSON body sent to /jsonrpc of a host without
            // JSON-RPC, too) as an XML-RPC failure, with 200 and text/xml like every XML-RPC reply.
            SimulatorLog.RpcCall(pool.Logger, host.NameLabel, "(unreadable XML-RPC)", XapiErrors.XmlRpcUnmarshalFailure);
            return HttpResponses.RpcOk(head, "text/xml", XmlRpcCodec.Failure([XapiErrors.XmlRpcUnmarshalFailure, "the request body is not an XML-RPC methodCall"]));
        }

        (object? result, IReadOnlyList<string>? failure) = await CallAsync(host, request.Method, request.Params, cancellationToken).ConfigureAwait(false);
        byte[] reply = failure is null ? XmlRpcCodec.Success(result) : XmlRpcCodec.Failure(failure);
        return HttpResponses.RpcOk(head, "text/xml", reply);
    }

    private async Task<(object? Result, IReadOnlyList<string>? Failure)> CallAsync(
        SimulatedHost host, string method, IReadOnlyList<object?> args, CancellationToken cancellationToken)
    {
        try
        {
            object? result = await _dispatcher.CallAsync(host, method, args, cancellationToken).ConfigureAwait(false);
            SimulatorLog.RpcCall(pool.Logger, host.NameLabel, method, "Success");
            return (result, null);
        }
        catch (XapiFailureException e)
        {
            SimulatorLog.RpcCall(pool.Logger, host.NameLabel, method, e.Description[0]);
            return (null, e.Description);
        }
    }
}
