namespace XcpTunnel.Protocol.Streams;

/// <summary>One end of a splice: what a failure or a first EOF is blamed on.</summary>
internal enum SpliceSide
{
    Viewer,
    Console,
}
