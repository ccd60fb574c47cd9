namespace XcpTunnel.Protocol.Rfb.Relay;

/// <summary>
/// The encoding numbers a relay that follows message boundaries knows (docs/rfb.md, "Following messages"): those
/// whose rectangles it can count, and the pseudo-encodings that are only capabilities and never a rectangle.
/// </summary>
internal static class RfbEncodings
{
    public const int Raw = 0;
    public const int CopyRect = 1;
    public const int Rre = 2;
    public const int CoRre = 4;
    public const int Hextile = 5;
    public const int Zlib = 6;
    public const int Tight = 7;
    public const int Zrle = 16;

    public const int DesktopSize = -223;
    public const int LastRect = -224;
    public const int PointerPos = -232;
    public const int Cursor = -239;
    public const int XCursor = -240;
    public const int QemuExtendedKeyEvent = -258;
    public const int QemuAudio = -259;
    public const int QemuLedState = -261;
    public const int DesktopName = -307;
    public const int ExtendedDesktopSize = -308;
    public const int Fence = -312;
    public const int ContinuousUpdates = -313;
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
