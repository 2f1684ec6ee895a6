using System.Reflection;
using System.Runtime.ExceptionServices;

namespace JobSafety.DependencyInjection;

/// <summary>The <see cref="DispatchProxy"/> behind <c>Guard&lt;TService&gt;()</c>: checks, then forwards.</summary>
public class GuardProxy : DispatchProxy
{
    private object _target = null!;
    private SideEffectCategory _category;
    private string _prefix = "";

    /// <summary>Wraps <paramref name="target"/> so that every call of <paramref name="service"/>'s methods is checked first.</summary>
    /// <param name="service">The interface.</param>
    /// <param name="target">The implementation.</param>
    /// <param name="category">The category.</param>
    /// <returns>The proxy (implements <paramref name="service"/>).</returns>
    public static object Create(Type service, object target, SideEffectCategory category)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(target);
        var proxy = (GuardProxy)DispatchProxy.Create(service, typeof(GuardProxy));
        proxy._target = target;
        proxy._category = category;
        proxy._prefix = service.Name + ".";
        return proxy;
    }

    /// <summary>Wraps <paramref name="target"/>; see <see cref="Create(Type, object, SideEffectCategory)"/>.</summary>
    /// <typeparam name="TService">The interface.</typeparam>
    /// <param name="target">The implementation.</param>
    /// <param name="category">The category.</param>
    /// <returns>The proxy.</returns>
    public static TService Create<TService>(TService target, SideEffectCategory category)
        where TService : class => (TService)Create(typeof(TService), target, category);

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        // Property getters read state; every other member (methods, setters) is checked.
        if (!(targetMethod.IsSpecialName && targetMethod.Name.StartsWith("get_", StringComparison.Ordinal)))
        {
            SideEffects.Check(_category, _prefix + targetMethod.Name);
        }
        try
        {
            return targetMethod.Invoke(_target, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }
}
