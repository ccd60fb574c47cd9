namespace XcpTunnel.Protocol.Xapi.Sessions;

/// <summary>
/// Hears about every XAPI call an <see cref="XapiPoolSession"/> makes (logins and logouts included), so
/// an application can keep metrics without this library depending on a metrics package.
/// </summary>
public interface IXapiCallObserver
{
    /// <summary>
    /// One RPC to <paramref name="pool"/> finished, answered or failed, after <paramref name="elapsed"/>.
    /// Called on the caller's thread; must be quick and must not throw.
    /// </summary>
    /// <param name="pool">The pool's name (<see cref="XapiPoolOptions.Name"/>).</param>
    /// <param name="method">The XAPI method, such as <c>VM.get_record</c>: a bounded set, fit for a metric label.</param>
    /// <param name="elapsed">From sending the request to the reply or the failure.</param>
    void CallCompleted(string pool, string method, TimeSpan elapsed);
}
