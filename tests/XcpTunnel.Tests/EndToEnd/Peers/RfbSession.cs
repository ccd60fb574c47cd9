namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>One viewer connection to a <see cref="ScriptedRfbServer"/>, as the server saw it.</summary>
/// <param name="ClientVersion">The ProtocolVersion the viewer replied, without the newline (<c>RFB 003.008</c>); empty if it sent none.</param>
/// <param name="ChosenSecurityType">The type the viewer picked from the list (3.7+), or null.</param>
/// <param name="VncAuthResponse">The viewer's 16-byte answer to <see cref="ScriptedRfbServer.Challenge"/>, or null.</param>
/// <param name="Error">Why the session ended early (the viewer hung up or timed out), or null when the script ran to its end.</param>
internal sealed record RfbSession(string ClientVersion, byte? ChosenSecurityType, byte[]? VncAuthResponse, string? Error)
{
    public override string ToString() =>
        $"version '{ClientVersion}', chose {ChosenSecurityType?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, " +
        $"response {(VncAuthResponse is null ? "-" : Convert.ToHexString(VncAuthResponse))}{(Error is null ? string.Empty : ", " + Error)}";
}
