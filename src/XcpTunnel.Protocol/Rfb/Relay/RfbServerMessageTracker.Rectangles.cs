using System.Buffers.Binary;
using XcpTunnel.Protocol.Rfb.Client;

namespace XcpTunnel.Protocol.Rfb.Relay;

public sealed partial class RfbServerMessageTracker
{
    private const int TileSize = 16;

    // Tight's TPIXEL: 3 bytes for 32-bpp, depth-24 true colour with 8-bit channels, else a whole pixel.
    private int _tightPixelBytes;

    // Hextile: which tile of the rectangle comes next.
    private int _tileX;
    private int _tileY;
    private byte _subencoding;

    // Tight: the filter and palette of the rectangle, and the compact length being read.
    private int _tightPaletteSize;
    private int _compactLength;
    private int _compactShift;

    /// <summary>
    /// A rectangle header (§7.6.1):
    /// <code>
    /// | x U16 | y U16 | width U16 | height U16 | encoding S32 |
    /// </code>
    /// then the encoding's payload, which decides what is gathered or counted next.
    /// </summary>
    private void Rectangle(ReadOnlySpan<byte> s)
    {
        _width = BinaryPrimitives.ReadUInt16BigEndian(s[4..]);
        _height = BinaryPrimitives.ReadUInt16BigEndian(s[6..]);
        _encoding = BinaryPrimitives.ReadInt32BigEndian(s[8..]);
        long pixels = (long)_width * _height;
        long maskBytes = (long)((_width + 7) / 8) * _height;
        switch (_encoding)
        {
            case RfbEncodings.Raw:
                Expect(Step.RectangleDone, 0, pixels * _bytesPerPixel);
                break;
            case RfbEncodings.CopyRect:
                Expect(Step.RectangleDone, 0, 4);
                break;
            case RfbEncodings.Rre or RfbEncodings.CoRre:
                // U32 number-of-subrectangles, background pixel; then each: pixel and x, y, w, h (U16 for RRE, U8 for CoRRE).
                Expect(Step.RreHeader, 4 + _bytesPerPixel);
                break;
            case RfbEncodings.Hextile:
                _tileX = 0;
                _tileY = 0;
                NextTileOrDone();
                break;
            case RfbEncodings.Zlib or RfbEncodings.Zrle:
                // U32 length, zlib data.
                _opaque = true;
                Expect(Step.LengthThenData, 4);
                break;
            case RfbEncodings.Tight:
                _opaque = true;
                Expect(Step.TightControl, 1);
                break;
            case RfbEncodings.DesktopSize:
                AnnouncedSize = (_width, _height);
                Expect(Step.RectangleDone, 0);
                break;
            case RfbEncodings.LastRect:
                _rectanglesLeft = 1; // RectangleDone takes it to zero: the update ends here.
                Expect(Step.RectangleDone, 0);
                break;
            case RfbEncodings.PointerPos or RfbEncodings.QemuExtendedKeyEvent or RfbEncodings.QemuAudio:
                Expect(Step.RectangleDone, 0);
                break;
            case RfbEncodings.QemuLedState:
                Expect(Step.RectangleDone, 0, 1);
                break;
            case RfbEncodings.Cursor:
                // Pixels, then a bitmask with rows padded to whole bytes.
                Expect(Step.RectangleDone, 0, (pixels * _bytesPerPixel) + maskBytes);
                break;
            case RfbEncodings.XCursor:
                // Nothing for an empty cursor; else two RGB colours, then bitmap and mask.
                Expect(Step.RectangleDone, 0, pixels == 0 ? 0 : 6 + (2 * maskBytes));
                break;
            case RfbEncodings.DesktopName:
                Expect(Step.LengthThenData, 4);
                break;
            case RfbEncodings.ExtendedDesktopSize:
                AnnouncedSize = (_width, _height);
                // U8 number-of-screens, pad 3, then 16 bytes per screen.
                Expect(Step.DesktopSizeScreens, 4);
                break;
            default:
                Fail($"the console sent a rectangle in encoding {_encoding}, which the relay cannot follow");
                break;
        }
    }

    private void HandleEncoding(ReadOnlySpan<byte> s)
    {
        switch (_step)
        {
            case Step.RreHeader:
                long subrectangleBytes = _encoding == RfbEncodings.Rre ? _bytesPerPixel + 8 : _bytesPerPixel + 4;
                Expect(Step.RectangleDone, 0, BinaryPrimitives.ReadUInt32BigEndian(s) * subrectangleBytes);
                break;
            case Step.LengthThenData:
                Expect(Step.RectangleDone, 0, BinaryPrimitives.ReadUInt32BigEndian(s));
                break;
            case Step.DesktopSizeScreens:
                Expect(Step.RectangleDone, 0, 16L * s[0]);
                break;
            case Step.HextileSubencoding:
                HextileSubencoding(s[0]);
                break;
            case Step.HextileTileHead:
                // The last byte gathered is the subrectangle count when AnySubrects is set.
                int count = (_subencoding & 8) != 0 ? s[^1] : 0;
                int each = ((_subencoding & 16) != 0 ? _bytesPerPixel : 0) + 2;
                AdvanceTile();
                _skip = (long)count * each;
                break;
            case Step.TightControl:
                TightControl(s[0]);
                break;
            case Step.TightFilter:
                TightFilter(s[0]);
                break;
            case Step.TightPaletteSize:
                _tightPaletteSize = s[0] + 1;
                TightData(paletteSkip: (long)_tightPaletteSize * _tightPixelBytes);
                break;
            case Step.TightCompactLength:
                TightCompactLength(s[0]);
                break;
        }
    }

    /// <summary>
    /// Hextile (§7.7.4): 16×16 tiles left to right, top to bottom, each a subencoding byte: Raw (1: the tile's
    /// pixels), else BackgroundSpecified (2), ForegroundSpecified (4), AnySubrects (8: a U8 count follows) and
    /// SubrectsColoured (16: each subrectangle has its own pixel), each subrectangle 2 bytes of position and size.
    /// </summary>
    private void HextileSubencoding(byte subencoding)
    {
        _subencoding = subencoding;
        int tileWidth = Math.Min(TileSize, _width - _tileX);
        int tileHeight = Math.Min(TileSize, _height - _tileY);
        if ((subencoding & 1) != 0)
        {
            AdvanceTile();
            _skip = (long)tileWidth * tileHeight * _bytesPerPixel;
            return;
        }

        int head = ((subencoding & 2) != 0 ? _bytesPerPixel : 0) + ((subencoding & 4) != 0 ? _bytesPerPixel : 0) + ((subencoding & 8) != 0 ? 1 : 0);
        if (head == 0)
        {
            AdvanceTile();
            return;
        }

        Expect(Step.HextileTileHead, head);
    }

    /// <summary>Moves to the next tile (or past the rectangle): sets the step to gather next; the caller may add a skip first.</summary>
    private void AdvanceTile()
    {
        _tileX += TileSize;
        if (_tileX >= _width)
        {
            _tileX = 0;
            _tileY += TileSize;
        }

        NextTileOrDone();
    }

    private void NextTileOrDone()
    {
        if (_width == 0 || _tileY >= _height)
        {
            Expect(Step.RectangleDone, 0);
        }
        else
        {
            Expect(Step.HextileSubencoding, 1);
        }
    }

    /// <summary>
    /// Tight's compression-control byte: bits 0–3 reset zlib streams 0–3; the high nibble is 8 (fill: one TPIXEL),
    /// 9 (JPEG: compact length, data) or basic compression (bit 6: a filter id follows).
    /// </summary>
    private void TightControl(byte control)
    {
        int kind = control >> 4;
        _tightPaletteSize = 0;
        if (kind == 8)
        {
            Expect(Step.RectangleDone, 0, _tightPixelBytes);
        }
        else if (kind == 9)
        {
            StartCompactLength();
        }
        else if (kind > 9)
        {
            Fail($"bad Tight compression control 0x{control:X2}");
        }
        else if ((control & 0x40) != 0)
        {
            Expect(Step.TightFilter, 1);
        }
        else
        {
            TightData(paletteSkip: 0);
        }
    }

    /// <summary>Filter 0 copies, 1 is a palette (U8 size − 1, then the colours), 2 is the gradient.</summary>
    private void TightFilter(byte filter)
    {
        switch (filter)
        {
            case 0 or 2:
                TightData(paletteSkip: 0);
                break;
            case 1:
                Expect(Step.TightPaletteSize, 1);
                break;
            default:
                Fail($"bad Tight filter {filter}");
                break;
        }
    }

    /// <summary>Basic compression's data: fewer than 12 bytes come as they are, more as a compact length and zlib data.</summary>
    private void TightData(long paletteSkip)
    {
        long size = _tightPaletteSize switch
        {
            0 => (long)_width * _height * _tightPixelBytes,
            2 => (long)((_width + 7) / 8) * _height,
            _ => (long)_width * _height,
        };
        if (size < 12)
        {
            Expect(Step.RectangleDone, 0, paletteSkip + size);
        }
        else
        {
            StartCompactLength();
            _skip = paletteSkip;
        }
    }

    private void StartCompactLength()
    {
        _compactLength = 0;
        _compactShift = 0;
        Expect(Step.TightCompactLength, 1);
    }

    // One to three bytes, seven bits each low first, the high bit saying another follows; the third byte has eight.
    private void TightCompactLength(byte b)
    {
        bool last = _compactShift == 14;
        _compactLength |= (last ? b : b & 0x7F) << _compactShift;
        if (!last && (b & 0x80) != 0)
        {
            _compactShift += 7;
            Expect(Step.TightCompactLength, 1);
            return;
        }

        Expect(Step.RectangleDone, 0, _compactLength);
    }

    private static int TightPixelBytes(RfbPixelFormat format) =>
        format is { TrueColour: true, BitsPerPixel: 32, Depth: 24, RedMax: 255, GreenMax: 255, BlueMax: 255 } ? 3 : BytesPerPixel(format);
}
