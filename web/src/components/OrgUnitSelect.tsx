// A choice among the org units a user works with: their own units and the units directly below
// them (a district officer's communes), by name. The server checks the scope again on save.
import { useEffect, useState } from 'preact/hooks';
import { childrenOf, orgUnitName, useOrgUnitNames } from '../lib/orgunits';
import { currentUser } from '../lib/session';
import { t } from '../lib/i18n';

export function OrgUnitSelect({ id, name, value, onChange, invalid, describedBy, required }: {
  id: string; name: string; value: string; onChange: (v: string) => void; invalid?: boolean; describedBy?: string; required?: boolean;
}) {
  const own = currentUser()?.orgunits ?? [];
  useOrgUnitNames(own);
  const [below, setBelow] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    Promise.all(own.map((o) => childrenOf(o).catch(() => [])))
      .then((lists) => live && setBelow(lists.flat().map((u) => u.id)));
    return () => {
      live = false;
    };
  }, [own.join(',')]);
  const ids = [...own, ...below.filter((x) => !own.includes(x))];
  return (
    <select id={id} name={name} value={value} required={required} aria-invalid={invalid ? 'true' : undefined} aria-describedby={describedBy}
      onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">{t('form.choose')}</option>
      {ids.map((x) => <option key={x} value={x}>{orgUnitName(x)}</option>)}
    </select>
  );
}
