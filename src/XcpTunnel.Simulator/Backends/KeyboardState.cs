namespace XcpTunnel.Simulator.Backends;

/// <summary>
/// Which modifier keys a viewer holds down, from its KeyEvents (RFC 6143 §7.5.4: X keysyms), to notice Ctrl+Alt+Del
/// as a guest does: Delete pressed while either Control and either Alt are down.
/// </summary>
internal sealed class KeyboardState
{
    private const uint ControlL = 0xFFE3;
    private const uint ControlR = 0xFFE4;
    private const uint AltL = 0xFFE9;
    private const uint AltR = 0xFFEA;
    private const uint Delete = 0xFFFF;

    // Bits: Control_L, Control_R, Alt_L, Alt_R.
    private int _down;

    /// <summary>Follows one KeyEvent; true when it is the Delete of a Ctrl+Alt+Del.</summary>
    public bool Pressed(bool down, uint keysym)
    {
        int bit = keysym switch
        {
            ControlL => 1,
            ControlR => 2,
            AltL => 4,
            AltR => 8,
            _ => 0,
        };
        if (bit != 0)
        {
            _down = down ? _down | bit : _down & ~bit;
            return false;
        }

        return down && keysym == Delete && (_down & 3) != 0 && (_down & 12) != 0;
    }
}
