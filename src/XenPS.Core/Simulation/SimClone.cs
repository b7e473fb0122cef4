using System.Reflection;

namespace XenPS.Simulation;

/// <summary>
/// Deep copies of the simulator's state objects, without serialisation: each object is copied field by
/// field (<see cref="object.MemberwiseClone"/>), then every field that holds a mutable object (a list, a
/// dictionary, a nested state object) is replaced by a copy of it. Strings and value types are shared,
/// since they cannot change. Copying is planned once per type from its fields, so a field another change
/// adds to <see cref="HostState"/> or <see cref="DomainState"/> is copied with no further work.
/// </summary>
internal static class SimClone
{
    private const BindingFlags InstanceFields = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private static readonly Func<object, object> s_memberwise = typeof(object)
        .GetMethod(nameof(MemberwiseClone), BindingFlags.Instance | BindingFlags.NonPublic)!
        .CreateDelegate<Func<object, object>>();

    /// <summary>A copy of <paramref name="value"/> that shares no mutable object with it.</summary>
    public static T Deep<T>(T value)
        where T : class =>
        (T)Copier<T>.Copy(value);

    /// <summary>Whether values of <paramref name="type"/> can be shared between copies.</summary>
    internal static bool IsImmutable(Type type) =>
        type.IsValueType || type == typeof(string) || type == typeof(Type) || typeof(Delegate).IsAssignableFrom(type);

    private static class Copier<T>
    {
        // Planned once per type; the plan itself is immutable.
        public static readonly Func<object, object> Copy = Plan(typeof(T));
    }

    private static Func<object, object> Plan(Type type)
    {
        if (IsImmutable(type))
        {
            return static value => value;
        }

        if (type.IsArray)
        {
            return Generic(nameof(CopyArray), type.GetElementType()!);
        }

        if (type.IsGenericType)
        {
            Type definition = type.GetGenericTypeDefinition();
            Type[] arguments = type.GetGenericArguments();
            if (definition == typeof(List<>))
            {
                return Generic(nameof(CopyList), arguments);
            }

            if (definition == typeof(Dictionary<,>))
            {
                return Generic(nameof(CopyDictionary), arguments);
            }

            if (definition == typeof(HashSet<>))
            {
                return Generic(nameof(CopyHashSet), arguments);
            }

            if (definition == typeof(SortedDictionary<,>))
            {
                return Generic(nameof(CopySortedDictionary), arguments);
            }
        }

        Func<object, object>? exact = type.IsAbstract || type.IsInterface ? null : PlanFields(type);
        if (type.IsSealed)
        {
            return exact!;
        }

        // The declared type may hold a derived object: copy it as what it is.
        return value => value.GetType() == type ? exact!(value) : For(value.GetType())(value);
    }

    private static Func<object, object> PlanFields(Type type)
    {
        if (type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true)
        {
            throw new NotSupportedException($"The simulator state cannot hold a {type}: SimClone does not know how to copy it.");
        }

        var fields = new List<(FieldInfo Field, Func<object, object> Copy)>();
        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(InstanceFields))
            {
                if (!IsImmutable(field.FieldType))
                {
                    fields.Add((field, For(field.FieldType)));
                }
            }
        }

        (FieldInfo Field, Func<object, object> Copy)[] plan = fields.ToArray();
        return value =>
        {
            object copy = s_memberwise(value);
            foreach ((FieldInfo field, Func<object, object> copyField) in plan)
            {
                if (field.GetValue(copy) is { } member)
                {
                    field.SetValue(copy, copyField(member));
                }
            }

            return copy;
        };
    }

    // The copier of a type, bound without running its plan yet (state types may refer to each other).
    private static Func<object, object> For(Type type) => Generic(nameof(CopyAs), type);

    private static Func<object, object> Generic(string method, params Type[] arguments) =>
        typeof(SimClone).GetMethod(method, BindingFlags.Static | BindingFlags.NonPublic)!
            .MakeGenericMethod(arguments)
            .CreateDelegate<Func<object, object>>();

    private static object CopyAs<T>(object value) => Copier<T>.Copy(value);

    private static T CopyItem<T>(T item) => item is null || IsImmutable(typeof(T)) ? item : (T)Copier<T>.Copy(item);

    private static object CopyArray<T>(object value)
    {
        var source = (T[])value;
        var copy = new T[source.Length];
        for (int i = 0; i < source.Length; i++)
        {
            copy[i] = CopyItem(source[i]);
        }

        return copy;
    }

    private static object CopyList<T>(object value)
    {
        var source = (List<T>)value;
        if (IsImmutable(typeof(T)))
        {
            return new List<T>(source);
        }

        var copy = new List<T>(source.Count);
        foreach (T item in source)
        {
            copy.Add(CopyItem(item));
        }

        return copy;
    }

    private static object CopyDictionary<TKey, TValue>(object value)
        where TKey : notnull
    {
        var source = (Dictionary<TKey, TValue>)value;
        if (IsImmutable(typeof(TKey)) && IsImmutable(typeof(TValue)))
        {
            return new Dictionary<TKey, TValue>(source, source.Comparer);
        }

        var copy = new Dictionary<TKey, TValue>(source.Count, source.Comparer);
        foreach (KeyValuePair<TKey, TValue> pair in source)
        {
            copy.Add(CopyItem(pair.Key), CopyItem(pair.Value));
        }

        return copy;
    }

    private static object CopySortedDictionary<TKey, TValue>(object value)
        where TKey : notnull
    {
        var source = (SortedDictionary<TKey, TValue>)value;
        var copy = new SortedDictionary<TKey, TValue>(source.Comparer);
        foreach (KeyValuePair<TKey, TValue> pair in source)
        {
            copy.Add(CopyItem(pair.Key), CopyItem(pair.Value));
        }

        return copy;
    }

    private static object CopyHashSet<T>(object value)
    {
        var source = (HashSet<T>)value;
        return IsImmutable(typeof(T)) ? new HashSet<T>(source, source.Comparer) : new HashSet<T>(source.Select(CopyItem), source.Comparer);
    }
}
