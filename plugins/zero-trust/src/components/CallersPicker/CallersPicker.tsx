import { useMemo, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Chip from '@material-ui/core/Chip';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Autocomplete from '@material-ui/lab/Autocomplete';
import type {
  MeshIdentity,
  OnboardingCaller,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import useAsync from 'react-use/esm/useAsync';
import { zeroTrustApiRef } from '../../api';
import {
  callerKind,
  callerLabel,
  parseCallerText,
  sameCaller,
} from './callerText';

/** One choice in the list: a catalog entity, or an identity no entity claims. */
interface CallerOption {
  caller: OnboardingCaller;
  label: string;
  /** What it resolves to, shown under the label. */
  detail: string;
  group: string;
}

const entitiesGroup = 'Catalog entities in the mesh';
const identitiesGroup = 'Mesh identities without a catalog entity';
const typedGroup = 'Typed';

/** The picker's choices from the backend's identities, entities first. */
export function callerOptions(identities: MeshIdentity[]): CallerOption[] {
  const byEntity = new Map<string, MeshIdentity[]>();
  const unclaimed: CallerOption[] = [];
  for (const identity of identities) {
    for (const ref of identity.entityRefs) {
      byEntity.set(ref, [...(byEntity.get(ref) ?? []), identity]);
    }
    if (!identity.entityRefs.length) {
      unclaimed.push({
        caller: { principal: identity.principal },
        label: identity.principal,
        detail: `${identity.cluster}: ${identity.workloads.join(', ')}`,
        group: identitiesGroup,
      });
    }
  }
  const entities = [...byEntity.entries()].map(([ref, ids]) => ({
    caller: { entityRef: ref },
    label: ref,
    detail: ids.map(i => i.spiffeId).join(', '),
    group: entitiesGroup,
  }));
  const byLabel = (a: CallerOption, b: CallerOption) =>
    a.label.localeCompare(b.label);
  return [...entities.sort(byLabel), ...unclaimed.sort(byLabel)];
}

function typedOption(caller: OnboardingCaller): CallerOption {
  return {
    caller,
    label: callerLabel(caller),
    detail: callerKind(caller).kind,
    group: typedGroup,
  };
}

/**
 * The template's allowed-callers field (`ui:field: ZeroTrustCallersPicker`): pick the
 * catalog entities that have a mesh identity (the zero-trust backend's
 * `GET /identities`), or type a principal, a namespace or a workload. Its value is the
 * onboarding request's `allowedCallers`.
 */
export function CallersPicker(
  props: FieldExtensionComponentProps<OnboardingCaller[]>,
) {
  const {
    formData,
    onChange,
    schema,
    rawErrors,
    required,
    disabled,
    idSchema,
  } = props;
  const api = useApi(zeroTrustApiRef);
  const identities = useAsync(() => api.getIdentities(), [api]);
  const [typingError, setTypingError] = useState<string>();
  const [input, setInput] = useState('');

  const options = useMemo(
    () => callerOptions(identities.value?.items ?? []),
    [identities.value],
  );
  const selected = useMemo(
    () =>
      (formData ?? []).map(caller => {
        const known = options.find(o => sameCaller(o.caller, caller));
        // Keep the caller as given (with any narrowing), shown as the option names it.
        return known ? { ...known, caller } : typedOption(caller);
      }),
    [formData, options],
  );

  const change = (values: (CallerOption | string)[]) => {
    const callers: OnboardingCaller[] = [];
    for (const value of values) {
      if (typeof value !== 'string') {
        callers.push(value.caller);
        continue;
      }
      const parsed = parseCallerText(value);
      if ('error' in parsed) {
        setTypingError(parsed.error);
        setInput(value);
        return;
      }
      callers.push(parsed.caller);
    }
    setTypingError(undefined);
    setInput('');
    onChange(
      callers.filter((c, i) => callers.findIndex(d => sameCaller(c, d)) === i),
    );
  };

  const id = idSchema?.$id ?? 'allowedCallers';
  const helper =
    typingError ??
    (identities.error
      ? `Could not list the mesh identities (${identities.error.message}); type principals, namespaces or workloads instead.`
      : schema.description ??
        'Pick catalog entities, or type a principal (TRUST_DOMAIN/ns/NS/sa/SA), a namespace or NAMESPACE/WORKLOAD and press Enter. None means nobody may call the service.');

  return (
    <FormControl
      fullWidth
      margin="normal"
      required={required}
      error={!!typingError || (rawErrors?.length ?? 0) > 0}
    >
      <Autocomplete<CallerOption, true, false, true>
        id={id}
        multiple
        freeSolo
        disabled={disabled}
        loading={identities.loading}
        options={options}
        value={selected}
        inputValue={input}
        onInputChange={(_, value, reason) => {
          if (reason !== 'reset') setInput(value);
          if (typingError) setTypingError(undefined);
        }}
        groupBy={o => o.group}
        getOptionLabel={o => (typeof o === 'string' ? o : o.label)}
        // Free text shows up here as a string until it is read as a caller.
        getOptionSelected={(o, v) =>
          typeof o !== 'string' &&
          typeof v !== 'string' &&
          sameCaller(o.caller, v.caller)
        }
        filterSelectedOptions
        onChange={(_, values) => change(values)}
        renderOption={o => (
          <div>
            <Typography variant="body2">{o.label}</Typography>
            <Typography variant="caption" color="textSecondary">
              {o.detail}
            </Typography>
          </div>
        )}
        renderTags={(values, getTagProps) =>
          values.map((o, index) => {
            const label = typeof o === 'string' ? o : o.label;
            return (
              <Chip
                {...getTagProps({ index })}
                key={label}
                label={label}
                size="small"
              />
            );
          })
        }
        renderInput={params => (
          <TextField
            {...params}
            label={schema.title ?? 'Allowed callers'}
            placeholder="component:default/…, a principal, a namespace"
            inputProps={{
              ...params.inputProps,
              'aria-describedby': `${id}-helper`,
            }}
          />
        )}
      />
      <FormHelperText id={`${id}-helper`}>{helper}</FormHelperText>
      {rawErrors?.map(e => (
        <FormHelperText key={e} error>
          {e}
        </FormHelperText>
      ))}
    </FormControl>
  );
}
