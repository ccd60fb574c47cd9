namespace XcpTunnel.Protocol.Rfb.Relay;

/// <summary>
/// The encoding numbers a relay that follows message boundaries knows (docs/rfb.md, "Following messages"): those
/// whose rectangles it can count, and the pseudo-encodings that are only capabilities and never a rectangle.
/// </summary>
public static class RfbEncodings
{
    /// <summary>Raw pixels (RFC 6143 §7.7.1).</summary>
    public const int Raw = 0;
    /// <summary>A copy of another area of the screen (§7.7.2).</summary>
    public const int CopyRect = 1;
    /// <summary>Rise-and-run-length (§7.7.3).</summary>
    public const int Rre = 2;
    /// <summary>Compact RRE, rectangles of at most 255×255.</summary>
    public const int CoRre = 4;
    /// <summary>16×16 tiles (§7.7.4).</summary>
    public const int Hextile = 5;
    /// <summary>Raw pixels through one zlib stream for the connection: cannot be reset after a swap.</summary>
    public const int Zlib = 6;
    /// <summary>Tight, whose four zlib streams can be reset by the rectangle's control byte.</summary>
    public const int Tight = 7;
    /// <summary>Zlib run-length (§7.7.6), one zlib stream for the connection: cannot be reset after a swap.</summary>
    public const int Zrle = 16;

    /// <summary>Pseudo-encoding: the framebuffer's size changed (§7.8.2).</summary>
    public const int DesktopSize = -223;
    /// <summary>Pseudo-encoding: no more rectangles in this update, whatever its count said.</summary>
    public const int LastRect = -224;
    /// <summary>Pseudo-encoding: the pointer's position.</summary>
    public const int PointerPos = -232;
    /// <summary>Pseudo-encoding: the cursor's shape, in pixels and a mask (§7.8.1).</summary>
    public const int Cursor = -239;
    /// <summary>Pseudo-encoding: the cursor's shape, two colours and bitmaps.</summary>
    public const int XCursor = -240;
    /// <summary>Pseudo-encoding: the viewer may send QEMU's extended key events (scancodes).</summary>
    public const int QemuExtendedKeyEvent = -258;
    /// <summary>Pseudo-encoding: QEMU's audio messages.</summary>
    public const int QemuAudio = -259;
    /// <summary>Pseudo-encoding: the keyboard LEDs' state.</summary>
    public const int QemuLedState = -261;
    /// <summary>Pseudo-encoding: the desktop's name changed.</summary>
    public const int DesktopName = -307;
    /// <summary>Pseudo-encoding: the framebuffer's size and screens changed.</summary>
    public const int ExtendedDesktopSize = -308;
    /// <summary>Pseudo-encoding: the viewer understands Fence messages.</summary>
    public const int Fence = -312;
    /// <summary>Pseudo-encoding: the viewer understands continuous updates.</summary>
    public const int ContinuousUpdates = -313;
    /// <summary>Pseudo-encoding: the extended clipboard's capabilities.</summary>
    public const int ExtendedClipboard = unchecked((int)0xC0A1E5CE);

    /// <summary>Whether a console may be asked for <paramref name="encoding"/>: its rectangles can be counted, or it never is one.</summary>
    public static bool IsFollowable(int encoding) => encoding switch
    {
        Raw or CopyRect or Rre or CoRre or Hextile or Zlib or Tight or Zrle => true,
        DesktopSize or LastRect or PointerPos or Cursor or XCursor or DesktopName or ExtendedDesktopSize => true,
        QemuExtendedKeyEvent or QemuAudio or QemuLedState or Fence or ContinuousUpdates or ExtendedClipboard => true,
        // Tight's JPEG quality (-32..-23) and compression level (-256..-247): hints, never rectangles.
        >= -32 and <= -23 => true,
        >= -256 and <= -247 => true,
        _ => false,
    };

    /// <summary>
    /// Encodings whose zlib streams run across rectangles and updates with no way to reset them: a new console
    /// starts new streams that the viewer's old ones cannot inflate. Tight can reset its streams, so it stays.
    /// </summary>
    public static bool IsUnresettableZlib(int encoding) => encoding is Zlib or Zrle;
}
