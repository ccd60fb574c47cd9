namespace XcpTunnel.Protocol.Rfb.Relay;

/// <summary>What to do with the next bytes of the viewer's stream (<see cref="RfbClientMessageTracker.Next"/>).</summary>
/// <param name="Kind">Forward them, hold them, or send a replacement.</param>
/// <param name="Length">How many bytes of the data given were consumed.</param>
public readonly record struct RfbClientSegment(RfbClientSegmentKind Kind, int Length);

/// <summary>How a <see cref="RfbClientSegment"/>'s bytes go on to the console.</summary>
public enum RfbClientSegmentKind
{
    /// <summary>The bytes go to the console as they are.</summary>
    Forward,

    /// <summary>Part of a SetEncodings being gathered: nothing goes to the console yet.</summary>
    Held,

    /// <summary>A SetEncodings ended here: <see cref="RfbClientMessageTracker.Replacement"/> goes to the console instead.</summary>
    Replaced,
}
