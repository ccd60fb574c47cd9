namespace XcpTunnel.Protocol.Xapi.Rpc;

/// <summary>Which XAPI RPC wire format to use (docs/xapi-console-protocol.md, "RPC transports").</summary>
public enum XapiTransport
{
    /// <summary>JSON-RPC at <c>/jsonrpc</c>, falling back to XML-RPC for hosts without it (old XCP).</summary>
    Auto,

    /// <summary>JSON-RPC only (<c>POST /jsonrpc</c>).</summary>
    JsonRpc,

    /// <summary>XML-RPC only (<c>POST /</c>).</summary>
    XmlRpc,
}
