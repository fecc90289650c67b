import { dictionary } from '../../kit/i18n.ts';

/** The sign-in page. */
export const SIGN_IN = dictionary({
  en: {
    title: 'Sign in',
    lead: 'Operators of a merchant account sign in here.',
    email: 'E-mail',
    password: 'Password',
    submit: 'Sign in',
    wrong: 'That e-mail and password do not match an active user.',
    expired: 'Your session ended. Sign in again.',
    signedOut: 'You are signed out.',
  },
  ar: {
    title: 'تسجيل الدخول',
    lead: 'يسجل مشغلو حساب التاجر الدخول من هنا.',
    email: 'البريد الإلكتروني',
    password: 'كلمة المرور',
    submit: 'دخول',
    wrong: 'البريد الإلكتروني وكلمة المرور لا يطابقان مستخدماً فعالاً.',
    expired: 'انتهت جلستك. سجّل الدخول مجدداً.',
    signedOut: 'تم تسجيل خروجك.',
  },
});
