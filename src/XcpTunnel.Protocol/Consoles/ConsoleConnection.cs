using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Streams;
using XcpTunnel.Protocol.Xapi;

namespace XcpTunnel.Protocol.Consoles;

/// <summary>
/// An open console tunnel: after a 200 to the CONNECT, <see cref="Stream"/> carries raw RFB from the
/// VM's backend (starting with its ProtocolVersion). Disposing it closes the TLS connection.
/// </summary>
public sealed class ConsoleConnection : IAsyncDisposable
{
    /// <summary>A close this soon after the last input is never the idle timeout (xapi counts whole seconds).</summary>
    private static readonly TimeSpan IdleTolerance = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan IdleQueryTimeout = TimeSpan.FromSeconds(5);

    private readonly RfbInputWatch? _input;
    private readonly Xapi.Sessions.XapiPoolSession? _pool;
    private readonly TimeProvider _time;

    internal ConsoleConnection(
        Stream stream, ResolvedConsole console, RfbInputWatch? input = null, Xapi.Sessions.XapiPoolSession? pool = null, TimeProvider? time = null)
    {
        Stream = stream;
        Console = console;
        _input = input;
        _pool = pool;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The RFB byte stream.</summary>
    public Stream Stream { get; }

    /// <summary>What was connected to.</summary>
    public ResolvedConsole Console { get; }

    /// <summary>
    /// After the console closed the connection: whether that was the pool's console idle timeout (xapi 26.1,
    /// <c>pool.vm_console_idle_timeout</c>; docs/xapi-console-protocol.md, "Console limit and idle timeout"), judged as
    /// xapi judges it: the viewer spoke RFB 3.3 and sent no Key, Pointer or QEMU message for at least the pool's
    /// timeout. Null when it was not (or cannot be known); never throws. Asks the pool for its timeout only when the
    /// connection was idle by xapi's rules.
    /// </summary>
    public async Task<ConsoleIdleClose?> ClosedForIdlenessAsync(CancellationToken cancellationToken)
    {
        if (_pool is not { } pool || _input is not { Following: true } input || input.SinceLastInput < IdleTolerance)
        {
            return null;
        }

        var idle = input.SinceLastInput;
        using var timer = new CancellationTokenSource(IdleQueryTimeout, _time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            var timeout = await pool.GetVmConsoleIdleTimeoutAsync(deadline.Token).ConfigureAwait(false);
            return timeout > TimeSpan.Zero && idle + IdleTolerance >= timeout ? new ConsoleIdleClose(idle, timeout) : null;
        }
        catch (Exception ex) when (ex is XcpTunnelException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}

/// <summary>The pool closed a console because its viewer sent no input for <see cref="Timeout"/>.</summary>
/// <param name="Idle">How long the viewer had sent no keyboard or mouse input when the console closed.</param>
/// <param name="Timeout">The pool's <c>vm_console_idle_timeout</c>.</param>
public sealed record ConsoleIdleClose(TimeSpan Idle, TimeSpan Timeout);
