using System.Collections;
using System.Runtime.CompilerServices;

namespace XcpTunnel.Protocol;

/// <summary>
/// An immutable list that equals another with the same items in the same order. Settings records hold their lists
/// as this type so that their generated equality compares contents: a reload tells an unchanged tunnel or pool
/// from a changed one by <c>==</c>.
/// </summary>
/// <typeparam name="T">The item type; it should compare by value itself.</typeparam>
[CollectionBuilder(typeof(ValueList), nameof(ValueList.Create))]
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] _items;

    internal ValueList(T[] items) => _items = items;

    /// <inheritdoc/>
    public int Count => _items.Length;

    /// <inheritdoc/>
    public T this[int index] => _items[index];

    /// <summary>Same items, same order (by <see cref="EqualityComparer{T}.Default"/>).</summary>
    public bool Equals(ValueList<T>? other) => other is not null && _items.SequenceEqual(other._items);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Builds <see cref="ValueList{T}"/>s, including from collection expressions.</summary>
public static class ValueList
{
    /// <summary>A list of <paramref name="items"/> (copied).</summary>
    public static ValueList<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());
}
