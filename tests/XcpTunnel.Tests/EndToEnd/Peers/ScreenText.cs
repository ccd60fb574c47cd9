using System.Text;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// Compares text read off a screen by OCR with the text a test expects. Tesseract confuses a few glyphs
/// in UI fonts (0/O, 1/l/I), turns ' into ‘ or " or drops it, and splits or joins words, so both sides
/// are folded the same way before a substring check: case, those glyphs, quotes and whitespace.
/// </summary>
internal static class ScreenText
{
    public static bool Shows(string screen, string expected)
    {
        ArgumentNullException.ThrowIfNull(screen);
        ArgumentException.ThrowIfNullOrEmpty(expected);
        return Fold(screen).Contains(Fold(expected), StringComparison.Ordinal);
    }

    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            switch (c)
            {
                case 'o':
                    folded.Append('0');
                    break;
                case 'l' or 'i' or '|' or '!':
                    folded.Append('1');
                    break;
                case '\'' or '"' or '`' or '´' or '‘' or '’' or '“' or '”' or '«' or '»':
                    break;
                default:
                    if (!char.IsWhiteSpace(c))
                    {
                        folded.Append(c);
                    }

                    break;
            }
        }

        return folded.ToString();
    }
}
