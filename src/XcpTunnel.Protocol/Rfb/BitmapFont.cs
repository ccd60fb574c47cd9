namespace XcpTunnel.Protocol.Rfb;

/// <summary>
/// A 5×7 bitmap font for printable ASCII (0x20–0x7E), shared by the simulator's test card and the tunnel's status
/// frames; drawn for this project (original work, not derived from
/// any existing font). Each glyph is 7 characters, one per row from the top; each character is a base-32 digit
/// (<c>0-9</c>, <c>A-V</c>) whose 5 bits are the row's pixels, bit 4 the leftmost column. Lower-case letters
/// sit on the baseline (no descenders). Anything outside the table draws as <c>?</c>.
/// </summary>
public static class BitmapFont
{
    /// <summary>Pixels across one glyph.</summary>
    public const int GlyphWidth = 5;

    /// <summary>Pixels down one glyph.</summary>
    public const int GlyphHeight = 7;

    /// <summary>Columns from one glyph's left edge to the next: the glyph and one blank column.</summary>
    public const int Advance = GlyphWidth + 1;

    private const char First = ' ';

    private const string Glyphs =
        // space ! " # $ % & ' ( ) * + , - . /
        "0000000" + "4444404" + "AA00000" + "AAVAVAA" + "4FKE5U4" + "OP248J3" + "CIK8LID" + "4480000" +
        "2488842" + "8422248" + "04LEL40" + "044V440" + "0000C48" + "000V000" + "00000CC" + "01248G0" +
        // 0 1 2 3 4 5 6 7 8 9
        "EHJLPHE" + "4C4444E" + "EH1248V" + "V2421HE" + "26AIV22" + "VGU11HE" + "68GUHHE" + "V124888" +
        "EHHEHHE" + "EHHF12C" +
        // : ; < = > ? @
        "0CC0CC0" + "0CC0C48" + "248G842" + "00V0V00" + "G84248G" + "EH12404" + "EH1DLLE" +
        // A-Z
        "EHHVHHH" + "UHHUHHU" + "EHGGGHE" + "SIHHHIS" + "VGGUGGV" + "VGGUGGG" + "EHGNHHF" + "HHHVHHH" +
        "E44444E" + "7222IIC" + "HIKOKIH" + "GGGGGGV" + "HRLLHHH" + "HHPLJHH" + "EHHHHHE" + "UHHUGGG" +
        "EHHHLID" + "UHHUKIH" + "FGGE11U" + "V444444" + "HHHHHHE" + "HHHHHA4" + "HHHLLLA" + "HHA4AHH" +
        "HHA4444" + "V1248GV" +
        // [ \ ] ^ _ `
        "E88888E" + "0G84210" + "E22222E" + "4AH0000" + "000000V" + "8420000" +
        // a-z
        "00E1FHF" + "GGMPHHU" + "00EGGHE" + "11DJHHF" + "00EHVGE" + "698S888" + "0FHHF1E" + "GGMPHHH" +
        "40C444E" + "20622IC" + "GGIKOKI" + "C44444E" + "00QLLHH" + "00MPHHH" + "00EHHHE" + "00UHUGG" +
        "00DJF11" + "00MPGGG" + "00FGE1U" + "88S8896" + "00HHHJD" + "00HHHA4" + "00HHLLA" + "00HA4AH" +
        "00HHF1E" + "00V248V" +
        // { | } ~
        "2448442" + "4444444" + "8442448" + "008L200";

    /// <summary>Width in pixels of <paramref name="length"/> characters at <paramref name="scale"/> (no trailing gap).</summary>
    public static int TextWidth(int length, int scale) => length == 0 ? 0 : ((length * Advance) - 1) * scale;

    /// <summary>Whether pixel (<paramref name="column"/>, <paramref name="row"/>) of <paramref name="c"/>'s glyph is set.</summary>
    public static bool IsSet(char c, int column, int row)
    {
        int index = c - First;
        if (index < 0 || (index * GlyphHeight) >= Glyphs.Length)
        {
            index = '?' - First;
        }

        char digit = Glyphs[(index * GlyphHeight) + row];
        int bits = digit <= '9' ? digit - '0' : digit - 'A' + 10;
        return (bits & (1 << (GlyphWidth - 1 - column))) != 0;
    }
}
