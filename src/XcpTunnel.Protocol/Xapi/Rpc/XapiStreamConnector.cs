namespace XcpTunnel.Protocol.Xapi.Rpc;

/// <summary>
/// Opens a byte stream to an XAPI host: in production TCP + verified TLS (see
/// <c>TlsConnector</c>), in tests whatever the test wires. Failures are thrown as
/// <see cref="XcpTunnelException"/>s and reach the caller unchanged.
/// </summary>
public delegate ValueTask<Stream> XapiStreamConnector(string host, int port, CancellationToken cancellationToken);
