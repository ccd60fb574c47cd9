namespace XcpTunnel.Protocol.Streams;

/// <summary>One end of a splice: what a failure or a first EOF is blamed on.</summary>
public enum SpliceSide
{
    /// <summary>The viewer's end of the connection.</summary>
    Viewer,
    /// <summary>The console's end.</summary>
    Console,
}
