import { useState, type KeyboardEvent } from 'react';
import { selectConfig, selectControlErrors, selectHide, selectStatus, useStore } from '../state';
import { formatValue, GROUPS, PARAMS, type ParamKey, type ParamSpec } from '../url/params';

/** A text field that commits on Enter or when it loses focus (no half-typed values). */
function TextControl({ spec, value }: { spec: ParamSpec; value: string }) {
  const setParam = useStore((s) => s.setParam);
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft !== null && draft !== value) setParam(spec.key, draft);
    setDraft(null);
  };
  const words = 'words' in spec && spec.words ? spec.words : [];
  return (
    <>
      <input
        id={`control-${spec.key}`}
        data-testid={`control-${spec.key}`}
        type="text"
        inputMode={spec.type === 'int' || spec.type === 'float' ? 'decimal' : 'text'}
        value={draft ?? value}
        list={words.length > 0 ? `words-${spec.key}` : undefined}
        aria-describedby={`help-${spec.key}`}
        onChange={(e) => setDraft(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(e: KeyboardEvent<HTMLInputElement>) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setDraft(null);
        }}
      />
      {words.length > 0 && (
        <datalist id={`words-${spec.key}`}>
          {words.map((w) => (
            <option key={w} value={w} />
          ))}
        </datalist>
      )}
    </>
  );
}

function Control({ spec }: { spec: ParamSpec }) {
  const config = useStore(selectConfig) as unknown as Record<ParamKey, unknown>;
  const errors = useStore(selectControlErrors);
  const setParam = useStore((s) => s.setParam);
  const value = config[spec.key];
  let input;
  if (spec.type === 'enum') {
    input = (
      <select
        id={`control-${spec.key}`}
        data-testid={`control-${spec.key}`}
        value={formatValue(value)}
        aria-describedby={`help-${spec.key}`}
        onChange={(e) => setParam(spec.key, e.currentTarget.value)}
      >
        {spec.values.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    );
  } else if (spec.type === 'bool') {
    input = (
      <input
        id={`control-${spec.key}`}
        data-testid={`control-${spec.key}`}
        type="checkbox"
        checked={value === true}
        aria-describedby={`help-${spec.key}`}
        onChange={(e) => setParam(spec.key, e.currentTarget.checked ? '1' : '0')}
      />
    );
  } else {
    input = <TextControl spec={spec} value={formatValue(value)} />;
  }
  return (
    <div className="control">
      <label htmlFor={`control-${spec.key}`}>{spec.key}</label>
      {input}
      <small id={`help-${spec.key}`}>{spec.help}</small>
      {errors[spec.key] && (
        <small className="control-error" role="alert" data-testid={`control-error-${spec.key}`}>
          {errors[spec.key]}
        </small>
      )}
    </div>
  );
}

/**
 * Every parameter of the URL table as a control, grouped, each with a one-line explanation.
 * Values are checked by the same table as links; the address bar follows every change.
 */
export function ControlsPanel() {
  const hide = useStore(selectHide);
  const status = useStore(selectStatus);
  // A shared link that starts by itself opens on the results; the settings are one click away.
  const [open, setOpen] = useState(() => !useStore.getState().config.autorun);
  // Start folds the settings, so the run it starts is what fills the window.
  const [seenStatus, setSeenStatus] = useState(status);
  if (status !== seenStatus) {
    setSeenStatus(status);
    if (status === 'loading') setOpen(false);
  }
  if (hide.includes('controls')) return null;
  return (
    <details
      className="panel controls-panel"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
      data-testid="controls-panel"
      data-panel="settings"
    >
      <summary>
        <h2>Settings</h2>
        <span className="caption">
          {' '}
          every setting is part of the link; changes apply to the next run
        </span>
      </summary>
      <div className="groups">
        {GROUPS.filter((g) => !hide.includes(g.id)).map((g) => (
          <fieldset key={g.id} data-testid={`group-${g.id}`}>
            <legend>{g.title}</legend>
            {g.keys
              .filter((k) => !hide.includes(k))
              .map((k) => (
                <Control key={k} spec={PARAMS.find((p) => p.key === k)!} />
              ))}
          </fieldset>
        ))}
      </div>
    </details>
  );
}
